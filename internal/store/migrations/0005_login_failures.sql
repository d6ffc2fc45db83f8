-- Failed logins counted per key (a clinic and email, or a client address)
-- in a fixed window, so that every knead process refuses a password guesser
-- alike: the count lives in the database, not in one process's memory.
CREATE TABLE login_failures (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL
);
