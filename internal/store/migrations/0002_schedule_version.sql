-- A clinic's schedule version (clinic.Clinic.ScheduleVersion) goes up by one
-- in every transaction that can change its free slots (a booking, a change
-- of one, a catalog edit), so that a knead process can tell, with the read
-- that finds the clinic, whether an availability answer it cached is still
-- right. The version is the sum of n over the clinic's rows here; each
-- transaction adds one to a slot row picked at random. One counter row per
-- clinic would make every pair of concurrent bookings of a clinic collide
-- on it (a serialization failure on PostgreSQL, again and again under
-- load); spread over slots they rarely meet. The sum is still exact: it is
-- the number of changes the reader's snapshot sees, so it changes exactly
-- when the schedule may have.
CREATE TABLE schedule_versions (
    clinic_id TEXT   NOT NULL REFERENCES clinics (id),
    slot      BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, slot)
);
