CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`visitor_id` text,
	`type` text NOT NULL,
	`category` text NOT NULL,
	`ts` integer NOT NULL,
	`path` text,
	`props` text,
	`received_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_lead_ts` ON `events` (`lead_id`,`ts`);--> statement-breakpoint
CREATE TABLE `lead_activity` (
	`lead_id` text NOT NULL,
	`key` text NOT NULL,
	`total` integer DEFAULT 0 NOT NULL,
	`recent` text DEFAULT '[]' NOT NULL,
	PRIMARY KEY(`lead_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `leads` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text,
	`traits` text DEFAULT '{}' NOT NULL,
	`merged_into` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `leads_email_unique` ON `leads` (`email`);--> statement-breakpoint
CREATE INDEX `leads_merged_into` ON `leads` (`merged_into`);--> statement-breakpoint
CREATE TABLE `visitors` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `visitors_lead` ON `visitors` (`lead_id`);