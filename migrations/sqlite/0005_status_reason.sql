-- Demands and achievements keep the reason of their current status in one column of the same
-- name (the shared lifecycle writes both the same way).
ALTER TABLE demands RENAME COLUMN rejection_reason TO status_reason;
