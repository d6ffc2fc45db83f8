-- The schedule version moves to a column of the clinic's row. It was spread
-- over 64 counter rows so that concurrent SERIALIZABLE bookings would rarely
-- meet on one; bookings now take the clinic's row lock first (see
-- bookingTx.lock), so one counter costs nothing more, and reading it is one
-- row instead of a sum: it is read on every availability request.
ALTER TABLE clinics ADD COLUMN schedule_version BIGINT NOT NULL DEFAULT 0;
UPDATE clinics SET schedule_version = (SELECT COALESCE(sum(v.n), 0) FROM schedule_versions v WHERE v.clinic_id = clinics.id);
DROP TABLE schedule_versions;
