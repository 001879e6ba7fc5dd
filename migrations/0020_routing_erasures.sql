CREATE TABLE `routing_erasures` (
	`id` text PRIMARY KEY NOT NULL,
	`destination` text NOT NULL,
	`erased_lead` text,
	`erased_at` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`enqueued_at` integer,
	`lease` text,
	`lease_until` integer,
	`last_status` integer,
	`last_error` text
);
--> statement-breakpoint
CREATE INDEX `routing_erasures_due` ON `routing_erasures` (`status`,`next_at`) WHERE "routing_erasures"."status" = 'pending';