CREATE TABLE `holdout_assignments` (
	`lead_id` text NOT NULL,
	`segment_id` text NOT NULL,
	`arm` text NOT NULL,
	`salt` text NOT NULL,
	`share` real NOT NULL,
	`assigned_at` integer NOT NULL,
	PRIMARY KEY(`lead_id`, `segment_id`)
);
--> statement-breakpoint
CREATE INDEX `holdout_assignments_segment_at` ON `holdout_assignments` (`segment_id`,`assigned_at`);