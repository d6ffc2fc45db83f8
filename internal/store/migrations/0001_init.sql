-- knead schema, version 1. One text for SQLite and PostgreSQL: the migrator
-- swaps BYTEA for BLOB on SQLite and nothing else. Instants are BIGINT unix
-- seconds UTC and nested value lists are JSON text, so both engines store
-- and compare exactly the same values. Every row but a clinic's own carries
-- clinic_id, and every primary key starts with it: foreign keys are
-- composite (clinic_id, x_id), so a row can never point into another clinic.

CREATE TABLE clinics (
    id       TEXT   NOT NULL PRIMARY KEY,
    slug     TEXT   NOT NULL UNIQUE,
    name     TEXT   NOT NULL,
    currency TEXT   NOT NULL,
    created  BIGINT NOT NULL
);

CREATE TABLE locations (
    clinic_id TEXT             NOT NULL REFERENCES clinics (id),
    id        TEXT             NOT NULL,
    name      TEXT             NOT NULL,
    address   TEXT             NOT NULL,
    latitude  DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    time_zone TEXT             NOT NULL,
    hours     TEXT             NOT NULL,
    closures  TEXT             NOT NULL,
    PRIMARY KEY (clinic_id, id)
);

CREATE TABLE rooms (
    clinic_id   TEXT NOT NULL,
    id          TEXT NOT NULL,
    location_id TEXT NOT NULL,
    name        TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id)
);
CREATE INDEX rooms_location ON rooms (clinic_id, location_id);

CREATE TABLE equipment (
    clinic_id   TEXT   NOT NULL,
    id          TEXT   NOT NULL,
    location_id TEXT   NOT NULL,
    kind        TEXT   NOT NULL,
    name        TEXT   NOT NULL,
    quantity    BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id)
);
CREATE INDEX equipment_location ON equipment (clinic_id, location_id);

CREATE TABLE therapists (
    clinic_id        TEXT   NOT NULL REFERENCES clinics (id),
    id               TEXT   NOT NULL,
    name             TEXT   NOT NULL,
    bio              TEXT   NOT NULL,
    years_experience BIGINT NOT NULL,
    specialties      TEXT   NOT NULL,
    modalities       TEXT   NOT NULL,
    credentials      TEXT   NOT NULL,
    shifts           TEXT   NOT NULL,
    time_off         TEXT   NOT NULL,
    PRIMARY KEY (clinic_id, id)
);

CREATE TABLE services (
    clinic_id             TEXT   NOT NULL REFERENCES clinics (id),
    id                    TEXT   NOT NULL,
    name                  TEXT   NOT NULL,
    modality              TEXT   NOT NULL,
    duration_minutes      BIGINT NOT NULL,
    price                 BIGINT NOT NULL,
    currency              TEXT   NOT NULL,
    buffer_before_minutes BIGINT NOT NULL,
    buffer_after_minutes  BIGINT NOT NULL,
    equipment             TEXT   NOT NULL,
    min_notice_minutes    BIGINT NOT NULL,
    horizon_days          BIGINT NOT NULL,
    cancel_window_hours   BIGINT NOT NULL,
    late_cancel           TEXT   NOT NULL,
    late_cancel_fee       BIGINT NOT NULL,
    slot_step_minutes     BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, id)
);

-- email_key is the email lower-cased in Go (NULL when there is none), so
-- case-insensitive uniqueness means the same on both engines (SQLite's
-- lower() folds ASCII only). search is the lower-cased name, email and phone
-- for ListClients.
CREATE TABLE clients (
    clinic_id TEXT NOT NULL REFERENCES clinics (id),
    id        TEXT NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT NOT NULL,
    email_key TEXT,
    phone     TEXT NOT NULL,
    search    TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id),
    UNIQUE (clinic_id, email_key)
);

CREATE TABLE users (
    clinic_id     TEXT NOT NULL REFERENCES clinics (id),
    id            TEXT NOT NULL,
    email         TEXT NOT NULL,
    email_key     TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    therapist_id  TEXT,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (clinic_id, id),
    UNIQUE (clinic_id, email_key),
    FOREIGN KEY (clinic_id, therapist_id) REFERENCES therapists (clinic_id, id)
);
CREATE INDEX users_therapist ON users (clinic_id, therapist_id);

CREATE TABLE sessions (
    token_hash BYTEA  NOT NULL PRIMARY KEY,
    clinic_id  TEXT   NOT NULL,
    user_id    TEXT   NOT NULL,
    created    BIGINT NOT NULL,
    expires    BIGINT NOT NULL,
    FOREIGN KEY (clinic_id, user_id) REFERENCES users (clinic_id, id) ON DELETE CASCADE
);
CREATE INDEX sessions_user ON sessions (clinic_id, user_id);
CREATE INDEX sessions_expires ON sessions (expires);

-- A visit occupies [start_at - buffer_before, end_at + buffer_after).
-- appointments_window serves the schedule read: the rows of one clinic whose
-- start lies in a bounded range around the window (see store.MaxVisit).
-- The other indexes serve the foreign keys (a delete of a referenced row
-- must not scan the table) and the list filters.
CREATE TABLE appointments (
    clinic_id         TEXT   NOT NULL,
    id                TEXT   NOT NULL,
    location_id       TEXT   NOT NULL,
    service_id        TEXT   NOT NULL,
    therapist_id      TEXT   NOT NULL,
    room_id           TEXT,
    client_id         TEXT   NOT NULL,
    start_at          BIGINT NOT NULL,
    end_at            BIGINT NOT NULL,
    buffer_before     BIGINT NOT NULL,
    buffer_after      BIGINT NOT NULL,
    equipment         TEXT   NOT NULL,
    status            TEXT   NOT NULL CHECK (status IN ('booked', 'cancelled', 'completed', 'no_show')),
    cancel_fee        BIGINT NOT NULL,
    created           BIGINT NOT NULL,
    cancelled         BIGINT NOT NULL,
    cancel_token_hash BYTEA,
    PRIMARY KEY (clinic_id, id),
    FOREIGN KEY (clinic_id, location_id) REFERENCES locations (clinic_id, id),
    FOREIGN KEY (clinic_id, service_id) REFERENCES services (clinic_id, id),
    FOREIGN KEY (clinic_id, therapist_id) REFERENCES therapists (clinic_id, id),
    FOREIGN KEY (clinic_id, room_id) REFERENCES rooms (clinic_id, id),
    FOREIGN KEY (clinic_id, client_id) REFERENCES clients (clinic_id, id)
);
CREATE INDEX appointments_window ON appointments (clinic_id, start_at);
CREATE INDEX appointments_therapist ON appointments (clinic_id, therapist_id, start_at);
CREATE INDEX appointments_client ON appointments (clinic_id, client_id, start_at);
CREATE INDEX appointments_location ON appointments (clinic_id, location_id, start_at);
CREATE INDEX appointments_service ON appointments (clinic_id, service_id);
CREATE INDEX appointments_room ON appointments (clinic_id, room_id);

CREATE TABLE idempotency_keys (
    clinic_id      TEXT   NOT NULL REFERENCES clinics (id),
    idem_key       TEXT   NOT NULL,
    request_hash   BYTEA  NOT NULL,
    appointment_id TEXT   NOT NULL,
    created        BIGINT NOT NULL,
    PRIMARY KEY (clinic_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created);
