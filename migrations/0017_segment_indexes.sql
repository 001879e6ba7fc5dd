DROP INDEX `segment_transitions_at`;--> statement-breakpoint
CREATE INDEX `segment_transitions_at` ON `segment_transitions` (`at`,`from_segment`,`to_segment`);--> statement-breakpoint
CREATE INDEX `lead_segments_segment_since` ON `lead_segments` (`segment_id`,`since`,`lead_id`);