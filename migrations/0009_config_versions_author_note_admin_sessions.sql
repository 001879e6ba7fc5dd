CREATE TABLE `admin_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `admin_sessions_expires` ON `admin_sessions` (`expires_at`);--> statement-breakpoint
ALTER TABLE `config_versions` ADD `author_note` text;