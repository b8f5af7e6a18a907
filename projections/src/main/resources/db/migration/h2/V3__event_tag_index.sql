-- eventsByTag filters on the tag and orders by the event: without this index every poll scans all tags.
CREATE INDEX IF NOT EXISTS "event_tag_tag_idx" ON "event_tag" ("tag", "event_id");
