package dev.strata.domain.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strata.domain.shared.ConflictException;
import dev.strata.domain.shared.FieldError;
import dev.strata.domain.shared.UnprocessableException;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DatabaseTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Instant T1 = T0.plusSeconds(1);
    private static final Instant T2 = T0.plusSeconds(2);
    private static final Instant T3 = T0.plusSeconds(3);
    private static final Instant T4 = T0.plusSeconds(4);
    private static final Instant T5 = T0.plusSeconds(5);

    private static final InstanceIdentity IDENTITY =
            new InstanceIdentity(15432, "orders_app", "orders", "v1:sealed-app", "v1:sealed-admin");

    private static Database newDatabase() {
        return Database.create("ws_1", "prj_1", "Orders", new Slug("orders"), Engine.POSTGRESQL, "17",
                CpuQuantity.parse("250m"), MemoryQuantity.parse("512Mi"), new StorageSize(10), null, IDENTITY, T0);
    }

    /** A database whose first generation has been created and seen ready at T1. */
    private static Database readyDatabase() {
        Database db = newDatabase();
        db.recordObservation(1, InstanceObservation.ready(1234L), T1);
        assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
        return db;
    }

    /** A ready database that was put to sleep and seen stopped; generation 2. */
    private static Database sleepingDatabase() {
        Database db = readyDatabase();
        db.requestSleep(T2);
        db.recordObservation(2, InstanceObservation.stoppedOnPurpose(), T3);
        assertThat(db.status()).isEqualTo(DatabaseStatus.SLEEPING);
        return db;
    }

    @Nested
    class Create {

        @Test
        void starts_provisioning_at_generation_1() {
            Database db = newDatabase();

            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.observedGeneration()).isZero();
            assertThat(db.readyReplicas()).isZero();
            assertThat(db.desiredReplicas()).isEqualTo(1);
            assertThat(db.converged()).isFalse();
            assertThat(db.sleepRequested()).isFalse();
            assertThat(db.deletionRequested()).isFalse();
            assertThat(db.statusMessage()).isNull();
            assertThat(db.storageUsedBytes()).isNull();
        }

        @Test
        void keeps_what_it_was_given() {
            Database db = newDatabase();

            assertThat(db.id()).startsWith(Database.ID_PREFIX + "_");
            assertThat(db.workspaceId()).isEqualTo("ws_1");
            assertThat(db.projectId()).isEqualTo("prj_1");
            assertThat(db.name()).isEqualTo("Orders");
            assertThat(db.slug()).isEqualTo(new Slug("orders"));
            assertThat(db.engine()).isEqualTo(Engine.POSTGRESQL);
            assertThat(db.engineVersion()).isEqualTo("17");
            assertThat(db.cpu()).isEqualTo(CpuQuantity.parse("250m"));
            assertThat(db.memory()).isEqualTo(MemoryQuantity.parse("512Mi"));
            assertThat(db.storage()).isEqualTo(new StorageSize(10));
            assertThat(db.port()).isEqualTo(15432);
            assertThat(db.username()).isEqualTo("orders_app");
            assertThat(db.databaseName()).isEqualTo("orders");
            assertThat(db.passwordSealed()).isEqualTo("v1:sealed-app");
            assertThat(db.adminPasswordSealed()).isEqualTo("v1:sealed-admin");
            assertThat(db.createdAt()).isEqualTo(T0);
            assertThat(db.updatedAt()).isEqualTo(T0);
        }

        @Test
        void every_database_gets_its_own_id() {
            assertThat(newDatabase().id()).isNotEqualTo(newDatabase().id());
        }
    }

    @Nested
    class Observations {

        @Test
        void ready_observation_of_the_current_generation_makes_it_ready() {
            Database db = newDatabase();

            db.recordObservation(1, InstanceObservation.ready(1234L), T1);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.readyReplicas()).isEqualTo(1);
            assertThat(db.desiredReplicas()).isEqualTo(1);
            assertThat(db.observedGeneration()).isEqualTo(1);
            assertThat(db.converged()).isTrue();
            assertThat(db.storageUsedBytes()).isEqualTo(1234L);
            assertThat(db.updatedAt()).isEqualTo(T1);
        }

        @Test
        void observation_of_a_stale_generation_does_not_converge() {
            Database db = newDatabase();

            db.recordObservation(0, InstanceObservation.ready(null), T1);

            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.observedGeneration()).isZero();
            assertThat(db.converged()).isFalse();
            assertThat(db.updatedAt()).isEqualTo(T0);
        }

        @Test
        void observation_of_an_older_generation_after_an_update_keeps_it_updating() {
            Database db = readyDatabase();
            db.update(null, null, MemoryQuantity.parse("1Gi"), null, T2);

            db.recordObservation(1, InstanceObservation.ready(null), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.observedGeneration()).isEqualTo(1);
            assertThat(db.converged()).isFalse();
        }

        @Test
        void storage_used_is_kept_when_an_observation_does_not_report_it() {
            Database db = readyDatabase();

            db.recordObservation(1, InstanceObservation.ready(null), T2);
            assertThat(db.storageUsedBytes()).isEqualTo(1234L);

            db.recordObservation(1, InstanceObservation.ready(999L), T3);
            assertThat(db.storageUsedBytes()).isEqualTo(999L);
        }

        @Test
        void observation_that_changes_nothing_does_not_touch_updated_at() {
            Database db = readyDatabase();

            db.recordObservation(1, InstanceObservation.ready(1L), T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.updatedAt()).isEqualTo(T1);
        }

        @Test
        void failed_create_is_error_with_message_and_recovers_to_ready() {
            Database db = newDatabase();

            db.recordObservation(1, InstanceObservation.failed("initdb failed: disk full"), T1);

            assertThat(db.status()).isEqualTo(DatabaseStatus.ERROR);
            assertThat(db.statusMessage()).isEqualTo("initdb failed: disk full");
            assertThat(db.readyReplicas()).isZero();
            assertThat(db.observedGeneration()).isZero();
            assertThat(db.converged()).isFalse();
            assertThat(db.updatedAt()).isEqualTo(T1);

            db.recordObservation(1, InstanceObservation.ready(null), T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.statusMessage()).isNull();
            assertThat(db.readyReplicas()).isEqualTo(1);
            assertThat(db.observedGeneration()).isEqualTo(1);
            assertThat(db.converged()).isTrue();
            assertThat(db.updatedAt()).isEqualTo(T2);
        }

        @Test
        void failed_create_retried_but_not_yet_ready_goes_back_to_provisioning() {
            Database db = newDatabase();
            db.recordObservation(1, InstanceObservation.failed("boom"), T1);

            db.recordObservation(1, InstanceObservation.notReady("starting"), T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.statusMessage()).isEqualTo("starting");
        }

        @Test
        void failure_of_a_ready_database_is_error_even_for_the_current_generation() {
            Database db = readyDatabase();

            db.recordObservation(1, InstanceObservation.failed("pg_ctl failed"), T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.ERROR);
            assertThat(db.statusMessage()).isEqualTo("pg_ctl failed");
            assertThat(db.converged()).isFalse();
        }

        @Test
        void ready_database_whose_process_died_is_error_and_comes_back() {
            Database db = readyDatabase();

            db.recordObservation(1, InstanceObservation.notReady("connection refused"), T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.ERROR);
            assertThat(db.readyReplicas()).isZero();
            assertThat(db.desiredReplicas()).isEqualTo(1);
            assertThat(db.statusMessage()).isEqualTo("connection refused");
            assertThat(db.updatedAt()).isEqualTo(T2);

            db.recordObservation(1, InstanceObservation.ready(null), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.readyReplicas()).isEqualTo(1);
            assertThat(db.statusMessage()).isNull();
            assertThat(db.updatedAt()).isEqualTo(T3);
        }
    }

    @Nested
    class Update {

        @Test
        void memory_change_bumps_generation_and_updates_until_observed() {
            Database db = readyDatabase();

            db.update(null, null, MemoryQuantity.parse("1Gi"), null, T2);

            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.memory()).isEqualTo(MemoryQuantity.parse("1Gi"));
            assertThat(db.converged()).isFalse();
            assertThat(db.updatedAt()).isEqualTo(T2);

            db.recordObservation(2, InstanceObservation.ready(null), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.observedGeneration()).isEqualTo(2);
            assertThat(db.converged()).isTrue();
        }

        @Test
        void cpu_change_bumps_generation() {
            Database db = readyDatabase();

            db.update(null, CpuQuantity.parse("2"), null, null, T2);

            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.cpu()).isEqualTo(CpuQuantity.parse("2"));
            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
        }

        @Test
        void storage_growth_bumps_generation() {
            Database db = readyDatabase();

            db.update(null, null, null, new StorageSize(20), T2);

            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.storage()).isEqualTo(new StorageSize(20));
            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
        }

        @Test
        void same_resources_in_another_spelling_are_no_change() {
            Database db = readyDatabase();

            db.update(null, CpuQuantity.parse("0.25"), MemoryQuantity.parse("536870912"), new StorageSize(10), T2);

            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.cpu().value()).isEqualTo("250m");
            assertThat(db.memory().value()).isEqualTo("512Mi");
            assertThat(db.converged()).isTrue();
        }

        @Test
        void name_only_keeps_ready_and_generation() {
            Database db = readyDatabase();

            db.update("Orders (prod)", null, null, null, T2);

            assertThat(db.name()).isEqualTo("Orders (prod)");
            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.converged()).isTrue();
            assertThat(db.updatedAt()).isEqualTo(T2);
        }

        @Test
        void all_nulls_change_nothing_but_updated_at() {
            Database db = readyDatabase();

            db.update(null, null, null, null, T2);

            assertThat(db.name()).isEqualTo("Orders");
            assertThat(db.cpu()).isEqualTo(CpuQuantity.parse("250m"));
            assertThat(db.memory()).isEqualTo(MemoryQuantity.parse("512Mi"));
            assertThat(db.storage()).isEqualTo(new StorageSize(10));
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
        }

        @Test
        void during_provisioning_stays_provisioning_until_the_new_generation_is_ready() {
            Database db = newDatabase();

            db.update(null, null, MemoryQuantity.parse("1Gi"), null, T1);

            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.generation()).isEqualTo(2);

            db.recordObservation(1, InstanceObservation.ready(null), T2);
            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.observedGeneration()).isZero();

            db.recordObservation(2, InstanceObservation.ready(null), T3);
            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.observedGeneration()).isEqualTo(2);
        }

        @Test
        void storage_shrink_is_unprocessable_and_changes_nothing() {
            Database db = readyDatabase();

            assertThatThrownBy(() -> db.update("Renamed", CpuQuantity.parse("2"), MemoryQuantity.parse("2Gi"),
                    new StorageSize(5), T2))
                    .isInstanceOf(UnprocessableException.class)
                    .satisfies(e -> assertThat(((UnprocessableException) e).errors())
                            .extracting(FieldError::field).containsExactly(StorageSize.FIELD));

            assertThat(db.name()).isEqualTo("Orders");
            assertThat(db.cpu()).isEqualTo(CpuQuantity.parse("250m"));
            assertThat(db.memory()).isEqualTo(MemoryQuantity.parse("512Mi"));
            assertThat(db.storage()).isEqualTo(new StorageSize(10));
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.updatedAt()).isEqualTo(T1);
        }

        @Test
        void while_sleeping_changes_the_spec_and_stays_asleep() {
            Database db = sleepingDatabase();

            db.update(null, null, MemoryQuantity.parse("1Gi"), null, T4);

            assertThat(db.generation()).isEqualTo(3);
            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.desiredReplicas()).isZero();

            db.recordObservation(3, InstanceObservation.stoppedOnPurpose(), T5);

            assertThat(db.status()).isEqualTo(DatabaseStatus.SLEEPING);
            assertThat(db.sleepRequested()).isTrue();
        }
    }

    @Nested
    class Deletion {

        @Test
        void request_deletion_makes_it_deleting() {
            Database db = readyDatabase();

            db.requestDeletion(T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);
            assertThat(db.deletionRequested()).isTrue();
            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.desiredReplicas()).isZero();
            assertThat(db.converged()).isFalse();
            assertThat(db.updatedAt()).isEqualTo(T2);
        }

        @Test
        void request_deletion_is_idempotent() {
            Database db = readyDatabase();
            db.requestDeletion(T2);

            db.requestDeletion(T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);
            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.updatedAt()).isEqualTo(T2);
        }

        @Test
        void deletion_is_allowed_while_provisioning() {
            Database db = newDatabase();

            db.requestDeletion(T1);

            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);
        }

        @Test
        void update_after_deletion_is_a_conflict_and_changes_nothing() {
            Database db = readyDatabase();
            db.requestDeletion(T2);

            assertThatThrownBy(() -> db.update("Renamed", null, MemoryQuantity.parse("1Gi"), null, T3))
                    .isInstanceOf(IllegalStatusTransitionException.class)
                    .isInstanceOf(ConflictException.class)
                    .satisfies(e -> {
                        IllegalStatusTransitionException t = (IllegalStatusTransitionException) e;
                        assertThat(t.from()).isEqualTo(DatabaseStatus.DELETING);
                        assertThat(t.to()).isEqualTo(DatabaseStatus.UPDATING);
                    });

            assertThat(db.name()).isEqualTo("Orders");
            assertThat(db.memory()).isEqualTo(MemoryQuantity.parse("512Mi"));
            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);
        }

        @Test
        void sleep_after_deletion_is_a_conflict() {
            Database db = readyDatabase();
            db.requestDeletion(T2);

            assertThatThrownBy(() -> db.requestSleep(T3)).isInstanceOf(IllegalStatusTransitionException.class);
            assertThat(db.sleepRequested()).isFalse();
            assertThat(db.generation()).isEqualTo(2);
        }

        @Test
        void observations_never_take_a_database_out_of_deleting() {
            Database db = readyDatabase();
            db.requestDeletion(T2);

            db.recordObservation(2, InstanceObservation.ready(null), T3);
            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);

            db.recordObservation(2, InstanceObservation.failed("rm failed"), T4);
            assertThat(db.status()).isEqualTo(DatabaseStatus.DELETING);
            assertThat(db.converged()).isFalse();
        }
    }

    @Nested
    class Sleep {

        @Test
        void sleep_updates_until_observed_stopped_then_sleeps() {
            Database db = readyDatabase();

            db.requestSleep(T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.sleepRequested()).isTrue();
            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.desiredReplicas()).isZero();

            db.recordObservation(2, InstanceObservation.stoppedOnPurpose(), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.SLEEPING);
            assertThat(db.desiredReplicas()).isZero();
            assertThat(db.readyReplicas()).isZero();
            assertThat(db.observedGeneration()).isEqualTo(2);
            assertThat(db.converged()).isTrue();
        }

        @Test
        void a_stopped_observation_of_the_previous_generation_does_not_make_it_sleep() {
            Database db = readyDatabase();
            db.requestSleep(T2);

            db.recordObservation(1, InstanceObservation.stoppedOnPurpose(), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
        }

        @Test
        void a_ready_observation_while_asked_to_sleep_does_not_converge() {
            Database db = readyDatabase();
            db.requestSleep(T2);

            db.recordObservation(2, InstanceObservation.ready(null), T3);

            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.observedGeneration()).isEqualTo(1);
        }

        @Test
        void request_sleep_is_idempotent() {
            Database db = sleepingDatabase();

            db.requestSleep(T4);

            assertThat(db.status()).isEqualTo(DatabaseStatus.SLEEPING);
            assertThat(db.generation()).isEqualTo(2);
            assertThat(db.updatedAt()).isEqualTo(T3);
        }

        @Test
        void wake_updates_until_ready() {
            Database db = sleepingDatabase();

            db.requestWake(T4);

            assertThat(db.status()).isEqualTo(DatabaseStatus.UPDATING);
            assertThat(db.sleepRequested()).isFalse();
            assertThat(db.generation()).isEqualTo(3);
            assertThat(db.desiredReplicas()).isEqualTo(1);

            db.recordObservation(3, InstanceObservation.ready(null), T5);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.readyReplicas()).isEqualTo(1);
            assertThat(db.observedGeneration()).isEqualTo(3);
        }

        @Test
        void wake_of_an_awake_database_is_a_no_op() {
            Database db = readyDatabase();

            db.requestWake(T2);

            assertThat(db.status()).isEqualTo(DatabaseStatus.READY);
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.updatedAt()).isEqualTo(T1);
        }

        @Test
        void sleep_while_provisioning_is_a_conflict_and_changes_nothing() {
            Database db = newDatabase();

            assertThatThrownBy(() -> db.requestSleep(T1))
                    .isInstanceOf(IllegalStatusTransitionException.class)
                    .isInstanceOf(ConflictException.class);

            assertThat(db.status()).isEqualTo(DatabaseStatus.PROVISIONING);
            assertThat(db.sleepRequested()).isFalse();
            assertThat(db.generation()).isEqualTo(1);
            assertThat(db.desiredReplicas()).isEqualTo(1);
        }

        @Test
        void a_failure_while_sleeping_is_error_and_a_later_stop_is_sleeping_again() {
            Database db = sleepingDatabase();

            db.recordObservation(2, InstanceObservation.failed("cannot stop"), T4);
            assertThat(db.status()).isEqualTo(DatabaseStatus.ERROR);

            db.recordObservation(2, InstanceObservation.stoppedOnPurpose(), T5);
            assertThat(db.status()).isEqualTo(DatabaseStatus.SLEEPING);
        }
    }

    @Nested
    class Spec {

        @Test
        void carries_the_desired_spec_and_passwords() {
            Database db = readyDatabase();

            InstanceSpec spec = db.spec("app-Secret-123", "admin-Secret-456");

            assertThat(spec.id()).isEqualTo(db.id());
            assertThat(spec.engine()).isEqualTo(Engine.POSTGRESQL);
            assertThat(spec.version()).isEqualTo("17");
            assertThat(spec.port()).isEqualTo(15432);
            assertThat(spec.password()).isEqualTo("app-Secret-123");
            assertThat(spec.adminPassword()).isEqualTo("admin-Secret-456");
            assertThat(spec.sleeping()).isFalse();
        }

        @Test
        void reports_sleeping_when_sleep_was_requested() {
            Database db = readyDatabase();
            db.requestSleep(T2);

            assertThat(db.spec("a", "b").sleeping()).isTrue();
        }

        @Test
        void once_fronted_the_driver_gets_the_servers_own_ports_and_clients_the_public_ones() {
            Database db = Database.create("ws_1", "prj_1", "Cache", new Slug("cache"), Engine.REDIS, "7.0",
                    CpuQuantity.parse("250m"), MemoryQuantity.parse("512Mi"), new StorageSize(10), null,
                    new InstanceIdentity(15432, "cache_app", "0", "v1:sealed-app", "v1:sealed-admin", 15433), T0);
            assertThat(db.tlsPortUnfronted()).isTrue();

            db.frontWith(15500);
            db.frontTlsWith(15501);
            db.frontTlsWith(15600); // once only: the server keeps the port it was given

            assertThat(db.tlsPortUnfronted()).isFalse();
            assertThat(db.spec("a", "b").port()).isEqualTo(15500);
            assertThat(db.spec("a", "b").tlsPort()).isEqualTo(15501);
            assertThat(db.publicSpec("a").port()).isEqualTo(15432);
            assertThat(db.publicSpec("a").tlsPort()).isEqualTo(15433);
        }

        @Test
        void a_database_without_a_tls_port_gets_no_server_tls_port() {
            Database db = readyDatabase();
            db.frontTlsWith(15501);

            assertThat(db.tlsPortUnfronted()).isFalse();
            assertThat(db.serverTlsPort()).isNull();
            assertThat(db.spec("a", "b").tlsPort()).isNull();
        }

        @Test
        void to_string_hides_the_passwords() {
            InstanceSpec spec = readyDatabase().spec("app-Secret-123", "admin-Secret-456");

            assertThat(spec.toString())
                    .contains(spec.id())
                    .doesNotContain("app-Secret-123")
                    .doesNotContain("admin-Secret-456");
        }
    }
}
