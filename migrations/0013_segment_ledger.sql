CREATE TABLE `lead_segments` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`segment_id` text,
	`since` integer,
	`config_version` integer,
	`evaluated_at` integer,
	`review_at` integer,
	`pending_cause` text,
	`revision` text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE INDEX `lead_segments_review_at` ON `lead_segments` (`review_at`);--> statement-breakpoint
CREATE TABLE `segment_transitions` (
	`id` integer PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`from_segment` text,
	`to_segment` text NOT NULL,
	`at` integer NOT NULL,
	`cause` text NOT NULL,
	`config_version` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `segment_transitions_lead_at` ON `segment_transitions` (`lead_id`,`at`);