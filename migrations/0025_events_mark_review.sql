-- Every stored event marks its lead for the segment ledger's review, in the insert's own
-- transaction, whichever path stored it: the same upsert as markForReview(lead, 'event', ts)
-- (src/db/ledger-store.ts) at the event's time. Due at that time (never later than it was),
-- pending 'event' unless a cause that outranks it is pending, and a new revision, so a review
-- planned before this insert does not write over it. The write paths whose mark this is no
-- longer send a statement of their own for it (one fewer per page view: D1 pays per statement),
-- and no path that stores an event can forget it. The activity aggregate is as in 0010.
DROP TRIGGER IF EXISTS `events_aggregate`;
--> statement-breakpoint
CREATE TRIGGER `events_aggregate` AFTER INSERT ON `events`
BEGIN
  INSERT INTO `lead_activity` (`lead_id`, `key`, `total`, `recent`)
  VALUES (
    lower(substr(hex(NEW.`lead_id`), 1, 8) || '-' || substr(hex(NEW.`lead_id`), 9, 4) || '-' || substr(hex(NEW.`lead_id`), 13, 4)
      || '-' || substr(hex(NEW.`lead_id`), 17, 4) || '-' || substr(hex(NEW.`lead_id`), 21)),
    NEW.`type` || ':' || NEW.`category`, 1, json_array(NEW.`ts`))
  ON CONFLICT (`lead_id`, `key`) DO UPDATE SET
    `total` = `lead_activity`.`total` + 1,
    `recent` = CASE
      WHEN json_array_length(`lead_activity`.`recent`) = 0
        OR NEW.`ts` < json_extract(`lead_activity`.`recent`, '$[0]') THEN (
        SELECT json_group_array(value) FROM (
          SELECT value FROM json_each(`lead_activity`.`recent`)
          UNION ALL SELECT NEW.`ts`
          ORDER BY value DESC LIMIT 200
        )
      )
      WHEN json_array_length(`lead_activity`.`recent`) >= 200
        THEN json_remove('[' || NEW.`ts` || ',' || substr(`lead_activity`.`recent`, 2), '$[200]')
      ELSE '[' || NEW.`ts` || ',' || substr(`lead_activity`.`recent`, 2)
    END;
  INSERT INTO `lead_segments` (`lead_id`, `review_at`, `pending_cause`, `pending_at`, `revision`)
  VALUES (
    lower(substr(hex(NEW.`lead_id`), 1, 8) || '-' || substr(hex(NEW.`lead_id`), 9, 4) || '-' || substr(hex(NEW.`lead_id`), 13, 4)
      || '-' || substr(hex(NEW.`lead_id`), 17, 4) || '-' || substr(hex(NEW.`lead_id`), 21)),
    NEW.`ts`, 'event', NEW.`ts`, lower(hex(randomblob(8))))
  ON CONFLICT (`lead_id`) DO UPDATE SET
    `review_at` = min(coalesce(`lead_segments`.`review_at`, excluded.`review_at`), excluded.`review_at`),
    `pending_at` = CASE WHEN `lead_segments`.`pending_cause` IS NULL THEN excluded.`pending_at` ELSE `lead_segments`.`pending_at` END,
    `pending_cause` = CASE WHEN `lead_segments`.`pending_cause` IS NULL THEN excluded.`pending_cause` ELSE `lead_segments`.`pending_cause` END,
    `revision` = excluded.`revision`;
END;
