-- Client accounts: a login identity across clinics (a client record belongs
-- to one clinic, an account to none). email_key is the email lower-cased in
-- Go, as for users, so that uniqueness in any case means the same on both
-- engines.
CREATE TABLE accounts (
    id            TEXT   NOT NULL PRIMARY KEY,
    email         TEXT   NOT NULL,
    email_key     TEXT   NOT NULL UNIQUE,
    name          TEXT   NOT NULL,
    phone         TEXT   NOT NULL,
    password_hash TEXT   NOT NULL,
    created       BIGINT NOT NULL
);

-- A client's login session: the SHA-256 of a random token, in the database
-- so that every knead process knows it.
CREATE TABLE account_sessions (
    token_hash BYTEA  NOT NULL PRIMARY KEY,
    account_id TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created    BIGINT NOT NULL,
    expires    BIGINT NOT NULL
);
CREATE INDEX account_sessions_account ON account_sessions (account_id, expires);
CREATE INDEX account_sessions_expires ON account_sessions (expires);

-- The visits an account may see and change: those it booked while logged
-- in and those it claimed with the visit's own link token; never a visit
-- because an email matches. A table rather than a column of appointments:
-- a visit's link may be held by more than one person (a parent and the
-- client), the booking's hot path and the appointments table stay as they
-- are, and the portal's list is one index range on account_id. The composite
-- key to appointments keeps a link inside the appointment's clinic.
CREATE TABLE account_visits (
    account_id     TEXT   NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    clinic_id      TEXT   NOT NULL,
    appointment_id TEXT   NOT NULL,
    created        BIGINT NOT NULL,
    PRIMARY KEY (account_id, clinic_id, appointment_id),
    FOREIGN KEY (clinic_id, appointment_id) REFERENCES appointments (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX account_visits_appointment ON account_visits (clinic_id, appointment_id);
