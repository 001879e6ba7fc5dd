CREATE TABLE `identity_claims` (
	`visitor_id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`claimed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_claims_email` ON `identity_claims` (`email`);--> statement-breakpoint
CREATE TABLE `visitor_daily_points` (
	`visitor_id` text NOT NULL,
	`day` integer NOT NULL,
	`points` real NOT NULL,
	`admitted` text NOT NULL,
	PRIMARY KEY(`visitor_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `visitor_daily_points_day` ON `visitor_daily_points` (`day`);