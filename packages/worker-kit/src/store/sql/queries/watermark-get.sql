-- The inbox watermark: the slot through which events were pruned (null when none were).
SELECT pruned_through_slot::text AS pruned_through_slot FROM :schema.inbox_watermark
