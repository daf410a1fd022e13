-- Raises the inbox watermark to $1 unless it is higher already (the first statement of
-- `pruneEvents` after the step lock). The row lock it takes makes every event insert that
-- starts now wait for the prune's commit (they read the row FOR SHARE). $1 the slot.
UPDATE :schema.inbox_watermark SET pruned_through_slot = greatest(pruned_through_slot, $1::bigint)
RETURNING pruned_through_slot::text AS pruned_through_slot
