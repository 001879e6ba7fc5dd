-- Fold every inserted event into the lead's compact aggregate, in the same statement that
-- inserted it. An ignored duplicate (INSERT OR IGNORE on the event id) fires nothing, so a
-- retried event is counted once; concurrent inserts serialize in SQLite, so nothing is lost.
-- `recent` keeps the 500 newest timestamps per key (RECENT_CAP in src/domain/activity.ts).
CREATE TRIGGER `events_aggregate` AFTER INSERT ON `events`
BEGIN
  INSERT INTO `lead_activity` (`lead_id`, `key`, `total`, `recent`)
  VALUES (NEW.`lead_id`, NEW.`type` || ':' || NEW.`category`, 1, json_array(NEW.`ts`))
  ON CONFLICT (`lead_id`, `key`) DO UPDATE SET
    `total` = `lead_activity`.`total` + 1,
    `recent` = (
      SELECT json_group_array(value) FROM (
        SELECT value FROM json_each(`lead_activity`.`recent`)
        UNION ALL SELECT NEW.`ts`
        ORDER BY value DESC LIMIT 500
      )
    );
END;
