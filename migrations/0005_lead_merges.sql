CREATE TABLE `lead_merges` (
	`from_id` text PRIMARY KEY NOT NULL,
	`into_id` text NOT NULL,
	`merged_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lead_merges_into` ON `lead_merges` (`into_id`);