CREATE TABLE `identity_verifications` (
	`id` text PRIMARY KEY NOT NULL,
	`visitor_id` text NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `identity_verifications_expires_at` ON `identity_verifications` (`expires_at`);--> statement-breakpoint
CREATE INDEX `identity_verifications_visitor` ON `identity_verifications` (`visitor_id`);