-- Read models fed by the projections (docs/read-models.md). Every row carries the tenant; every query filters on it.
-- Rows that follow one entity remember the sequence number of its last event applied (seq_nr), which makes a
-- replayed event a no-op. Daily statistics are kept per tag slice, so each row has exactly one writer; queries sum
-- the slices.

CREATE TABLE "order_view" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "order_id" VARCHAR(64) NOT NULL,
  "kind" VARCHAR(16) NOT NULL,
  "status" VARCHAR(16) NOT NULL,
  "customer_id" VARCHAR(64),
  "store_id" VARCHAR(64),
  "zone_id" VARCHAR(64),
  "courier_id" VARCHAR(64),
  "fee" NUMERIC(14, 2),
  "assignment_state" VARCHAR(16) NOT NULL,
  "assignment_attempts" INTEGER NOT NULL,
  "offer_unanswered" INTEGER NOT NULL,
  "reason" VARCHAR(1000),
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "accepted_at" TIMESTAMP WITH TIME ZONE,
  "ready_at" TIMESTAMP WITH TIME ZONE,
  "picked_up_at" TIMESTAMP WITH TIME ZONE,
  "delivered_at" TIMESTAMP WITH TIME ZONE,
  "ended_at" TIMESTAMP WITH TIME ZONE,
  "assigned_at" TIMESTAMP WITH TIME ZONE,
  "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "seq_nr" BIGINT NOT NULL,
  PRIMARY KEY ("tenant_id", "order_id")
);
-- keyset pagination: newest first, each filter with its own index
CREATE INDEX "order_view_created_idx" ON "order_view" ("tenant_id", "created_at", "order_id");
CREATE INDEX "order_view_status_idx" ON "order_view" ("tenant_id", "status", "created_at", "order_id");
CREATE INDEX "order_view_zone_idx" ON "order_view" ("tenant_id", "zone_id", "created_at", "order_id");
CREATE INDEX "order_view_courier_idx" ON "order_view" ("tenant_id", "courier_id", "created_at", "order_id");
CREATE INDEX "order_view_store_idx" ON "order_view" ("tenant_id", "store_id", "created_at", "order_id");
CREATE INDEX "order_view_customer_idx" ON "order_view" ("tenant_id", "customer_id", "created_at", "order_id");
-- orders still looking for a courier, woken after a restart
CREATE INDEX "order_view_assignment_idx" ON "order_view" ("assignment_state");

CREATE TABLE "order_status_history" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "order_id" VARCHAR(64) NOT NULL,
  "seq_nr" BIGINT NOT NULL,
  "from_status" VARCHAR(16),
  "to_status" VARCHAR(16) NOT NULL,
  "by_role" VARCHAR(16) NOT NULL,
  "by_subject" VARCHAR(128),
  "reason" VARCHAR(1000),
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY ("tenant_id", "order_id", "seq_nr")
);

CREATE TABLE "courier_view" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "courier_id" VARCHAR(64) NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  "vehicle" VARCHAR(16) NOT NULL,
  "capacity" INTEGER NOT NULL,
  "online" BOOLEAN NOT NULL,
  "blocked" BOOLEAN NOT NULL,
  "active_orders" INTEGER NOT NULL,
  "offer_id" VARCHAR(64),
  "offer_order_id" VARCHAR(64),
  "offer_accepted" BOOLEAN NOT NULL,
  "last_lat" DOUBLE PRECISION,
  "last_lon" DOUBLE PRECISION,
  "last_fix_at" TIMESTAMP WITH TIME ZONE,
  "shift_started_at" TIMESTAMP WITH TIME ZONE,
  "shifts" INTEGER NOT NULL,
  "online_seconds" BIGINT NOT NULL,
  "created_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL,
  "seq_nr" BIGINT NOT NULL,
  PRIMARY KEY ("tenant_id", "courier_id")
);
CREATE INDEX "courier_view_online_idx" ON "courier_view" ("tenant_id", "online", "courier_id");

CREATE TABLE "courier_track" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "courier_id" VARCHAR(64) NOT NULL,
  "seq_nr" BIGINT NOT NULL,
  "lat" DOUBLE PRECISION NOT NULL,
  "lon" DOUBLE PRECISION NOT NULL,
  "accuracy" DOUBLE PRECISION,
  "speed" DOUBLE PRECISION,
  "heading" DOUBLE PRECISION,
  "at" TIMESTAMP WITH TIME ZONE NOT NULL,
  PRIMARY KEY ("tenant_id", "courier_id", "seq_nr")
);
CREATE INDEX "courier_track_at_idx" ON "courier_track" ("tenant_id", "courier_id", "at", "seq_nr");
-- retention deletes by age
CREATE INDEX "courier_track_age_idx" ON "courier_track" ("at");

CREATE TABLE "tenant_daily_stats" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "day" DATE NOT NULL,
  "zone_id" VARCHAR(64) NOT NULL,
  "slice" INTEGER NOT NULL,
  "created" INTEGER NOT NULL,
  "delivered" INTEGER NOT NULL,
  "cancelled" INTEGER NOT NULL,
  "failed" INTEGER NOT NULL,
  "delivery_millis_sum" BIGINT NOT NULL,
  "assigned" INTEGER NOT NULL,
  "assign_millis_sum" BIGINT NOT NULL,
  PRIMARY KEY ("tenant_id", "day", "zone_id", "slice")
);

-- minutes created -> delivered, counted per whole minute, from which percentiles are read
CREATE TABLE "tenant_daily_delivery_minutes" (
  "tenant_id" VARCHAR(64) NOT NULL,
  "day" DATE NOT NULL,
  "zone_id" VARCHAR(64) NOT NULL,
  "slice" INTEGER NOT NULL,
  "minutes" INTEGER NOT NULL,
  "orders" INTEGER NOT NULL,
  PRIMARY KEY ("tenant_id", "day", "zone_id", "slice", "minutes")
);
