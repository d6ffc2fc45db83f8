-- Intake (DOMAIN.md section 4). Every submission is a new version of the
-- client's intake: version counts from 1 per client, and a row is never
-- updated. answers is the JSON of intake.Answers; tier and findings are its
-- screening when it was stored (findings: the JSON of the findings, with the
-- answers that caused each). created_by is "client" or a staff user id.
CREATE TABLE intakes (
    clinic_id  TEXT    NOT NULL,
    client_id  TEXT    NOT NULL,
    version    INTEGER NOT NULL CHECK (version >= 1),
    answers    TEXT    NOT NULL,
    tier       TEXT    NOT NULL CHECK (tier IN ('none', 'clearance', 'urgent', 'emergency')),
    findings   TEXT    NOT NULL,
    created    BIGINT  NOT NULL,
    created_by TEXT    NOT NULL,
    PRIMARY KEY (clinic_id, client_id, version),
    FOREIGN KEY (clinic_id, client_id) REFERENCES clients (clinic_id, id)
);

-- A clearance recorded for one intake version: a staff member's, or a
-- clinician's (a physician has seen the client). A later intake needs its
-- own clearance.
CREATE TABLE clearances (
    clinic_id      TEXT    NOT NULL,
    id             TEXT    NOT NULL,
    client_id      TEXT    NOT NULL,
    intake_version INTEGER NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('staff', 'clinician')),
    note           TEXT    NOT NULL,
    cleared_by     TEXT    NOT NULL,
    cleared_at     BIGINT  NOT NULL,
    PRIMARY KEY (clinic_id, id),
    FOREIGN KEY (clinic_id, client_id, intake_version) REFERENCES intakes (clinic_id, client_id, version)
);
CREATE INDEX clearances_intake ON clearances (clinic_id, client_id, intake_version);

-- Who read or changed clinical data, and when: append-only (the store
-- offers insert and list, never update or delete). id counts from 1 per
-- clinic, so newest first is id descending. actor is a staff user id or
-- "client:" and the client's id.
CREATE TABLE audit_log (
    clinic_id TEXT   NOT NULL REFERENCES clinics (id),
    id        BIGINT NOT NULL,
    at        BIGINT NOT NULL,
    actor     TEXT   NOT NULL,
    action    TEXT   NOT NULL,
    client_id TEXT   NOT NULL,
    detail    TEXT   NOT NULL,
    PRIMARY KEY (clinic_id, id)
);
