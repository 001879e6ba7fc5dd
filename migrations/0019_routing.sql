CREATE TABLE `routing_attempts` (
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status` integer,
	`latency_ms` integer NOT NULL,
	`error` text,
	PRIMARY KEY(`delivery_id`, `attempt`)
);
--> statement-breakpoint
CREATE TABLE `routing_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`lead_id` text NOT NULL,
	`destination` text NOT NULL,
	`from_segment` text,
	`to_segment` text NOT NULL,
	`cause` text NOT NULL,
	`at` integer NOT NULL,
	`config_version` integer NOT NULL,
	`rule` integer NOT NULL,
	`pool` text,
	`owner` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_at` integer NOT NULL,
	`enqueued_at` integer,
	`lease` text,
	`lease_until` integer,
	`last_status` integer,
	`last_error` text,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `routing_deliveries_due` ON `routing_deliveries` (`status`,`next_at`) WHERE "routing_deliveries"."status" IN ('pending', 'held');--> statement-breakpoint
CREATE INDEX `routing_deliveries_lead` ON `routing_deliveries` (`lead_id`,`destination`,`sent_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `routing_deliveries_held` ON `routing_deliveries` (`lead_id`,`destination`) WHERE "routing_deliveries"."status" = 'held';--> statement-breakpoint
CREATE INDEX `routing_deliveries_destination` ON `routing_deliveries` (`destination`,`created_at`);--> statement-breakpoint
CREATE INDEX `routing_deliveries_created` ON `routing_deliveries` (`created_at`);--> statement-breakpoint
CREATE TABLE `routing_disabled` (
	`destination` text PRIMARY KEY NOT NULL,
	`disabled_at` integer NOT NULL,
	`reason` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `routing_turns` (
	`pool` text PRIMARY KEY NOT NULL,
	`turn` integer NOT NULL
);
