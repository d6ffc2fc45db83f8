-- When the client arrived (0: not checked in), set by the front desk.
ALTER TABLE appointments ADD COLUMN checked_in BIGINT NOT NULL DEFAULT 0;
