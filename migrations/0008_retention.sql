CREATE TABLE `retention_batch` (
	`lead_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`idle` integer NOT NULL,
	PRIMARY KEY(`created_at`, `lead_id`)
);
--> statement-breakpoint
CREATE TABLE `sweep_state` (
	`name` text PRIMARY KEY NOT NULL,
	`cursor_created_at` integer,
	`cursor_id` text,
	`resume_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `leads_anonymous_created` ON `leads` (`created_at`,`id`) WHERE "leads"."email" IS NULL;