-- A clinic's catalog version goes up by one in every transaction that
-- changes its locations, rooms, equipment, therapists or services, so that
-- a knead process may keep the catalog in memory and know, with one read of
-- the clinic's row, whether its copy is current. Bookings do not touch it:
-- it changes rarely, and reading it inside a SERIALIZABLE booking
-- transaction makes a concurrent catalog edit a serialization conflict.
ALTER TABLE clinics ADD COLUMN catalog_version BIGINT NOT NULL DEFAULT 0;
