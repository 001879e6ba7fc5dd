-- Same aggregate as 0001 with a lower cap (200), cheaper to keep: an event newer than every stored timestamp of
-- its key (the usual case: a page view happening now) is prepended to `recent` as text,
-- and the oldest dropped past the cap, instead of expanding `recent` into rows with
-- json_each, sorting and regrouping it on every insert. That re-sort read up to 2 × 500
-- rows per insert for an active lead (D1 rows_read 1,005 vs 12 for a new one, measured by
-- `npm run bench`), so the cost of recording grew with the lead's history. Older events
-- (imports, clamped client timestamps) still take the sorting path. `recent` stays a JSON
-- array of the newest ≤200 timestamps, newest first (RECENT_CAP in src/domain/activity.ts),
-- in the same compact text json_group_array produces.
DROP TRIGGER IF EXISTS `events_aggregate`;
--> statement-breakpoint
CREATE TRIGGER `events_aggregate` AFTER INSERT ON `events`
BEGIN
  INSERT INTO `lead_activity` (`lead_id`, `key`, `total`, `recent`)
  VALUES (NEW.`lead_id`, NEW.`type` || ':' || NEW.`category`, 1, json_array(NEW.`ts`))
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
END;
--> statement-breakpoint
-- The cap is now 200 (was 500): trim rows kept under the old cap, newest first.
UPDATE `lead_activity` SET `recent` = (
  SELECT json_group_array(value) FROM (SELECT value FROM json_each(`recent`) ORDER BY value DESC LIMIT 200)
) WHERE json_array_length(`recent`) > 200;
