-- State every master sharing the database must agree on: the CA certificate, the CRL the CA
-- master signed, masters' certificate requests and what was issued for them. Small text
-- values by name; nothing secret is stored here in the clear.
CREATE TABLE shared_state (
  name text COLLATE "C" PRIMARY KEY,
  value text NOT NULL
);
