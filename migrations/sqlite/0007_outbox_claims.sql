-- Outbox rows are claimed by one worker at a time (a lease), so two app servers never apply
-- changes of the same record out of order.
ALTER TABLE search_outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE search_outbox ADD COLUMN claimed_until TEXT;
CREATE INDEX search_outbox_entity ON search_outbox (entity_type, entity_id);
