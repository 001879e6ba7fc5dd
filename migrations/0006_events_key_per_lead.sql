-- Event ids are unique per lead, not across all leads: the key becomes (lead_id, id), so an
-- id sent for one lead (by anyone who learned or derived it) can no longer pre-empt the same
-- id for another. SQLite changes a key only by rebuilding the table (drizzle-kit's output
-- below; the copy fires no trigger, so nothing is counted again). The key's index leads with
-- lead_id, so `events_lead_ts` is dropped with the old table and not recreated.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_events` (
	`id` text NOT NULL,
	`lead_id` text NOT NULL,
	`visitor_id` text,
	`type` text NOT NULL,
	`category` text NOT NULL,
	`ts` integer NOT NULL,
	`path` text,
	`props` text,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`lead_id`, `id`)
);
--> statement-breakpoint
INSERT INTO `__new_events`("id", "lead_id", "visitor_id", "type", "category", "ts", "path", "props", "received_at") SELECT "id", "lead_id", "visitor_id", "type", "category", "ts", "path", "props", "received_at" FROM `events`;--> statement-breakpoint
DROP TABLE `events`;--> statement-breakpoint
ALTER TABLE `__new_events` RENAME TO `events`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `events_type_ts` ON `events` (`type`,`ts`);--> statement-breakpoint
-- Dropping the old table dropped its trigger: the same one as in 0003, recreated verbatim.
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
