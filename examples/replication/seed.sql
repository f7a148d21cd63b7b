-- The example application's database. Create it with: sqlite3 data/app.db < seed.sql
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    monthly_price DECIMAL(10,2) NOT NULL
);

CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    plan_id INTEGER NOT NULL REFERENCES plans(id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    kind TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

INSERT INTO plans (id, name, monthly_price) VALUES
    (1, 'free', '0.00'),
    (2, 'team', '12.50'),
    (3, 'business', '49.00');

INSERT INTO customers (id, name, email, plan_id, updated_at) VALUES
    (1, 'Ada', 'ada@example.com', 2, '2026-01-05 09:00:00'),
    (2, 'Grace', 'grace@example.com', 3, '2026-01-06 10:30:00'),
    (3, 'Linus', 'linus@example.com', 1, '2026-01-07 11:15:00');

INSERT INTO events (id, customer_id, kind, created_at) VALUES
    (1, 1, 'signup', '2026-01-05 09:00:00'),
    (2, 2, 'signup', '2026-01-06 10:30:00'),
    (3, 1, 'invite', '2026-01-06 12:00:00'),
    (4, 3, 'signup', '2026-01-07 11:15:00'),
    (5, 2, 'upgrade', '2026-01-08 08:45:00');
