package dev.strata.provisioning.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.strata.domain.database.Engine;
import dev.strata.domain.database.Slug;
import dev.strata.provisioning.project.DatabaseEnvNames.Entry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The naming and collision rules of the databases' environment variables. */
class DatabaseEnvNamesTest {

    private static final Set<String> STORAGE = Projects.STORAGE_NAMES;

    private static Entry db(String id, String slug, Engine engine) {
        return new Entry(id, slug, engine);
    }

    private static LinkedHashMap<String, String> assign(String primary, Entry... oldestFirst) {
        return DatabaseEnvNames.assign(List.of(oldestFirst), primary, STORAGE);
    }

    @Test
    void noDatabasesNoVariables() {
        assertThat(assign(null)).isEmpty();
    }

    @Test
    void severalEnginesGetConventionalNamesAndSlugNamesInAStableOrder() {
        Map<String, String> names = assign(null,
                db("db_1", "shop", Engine.MYSQL),
                db("db_2", "orders-db", Engine.POSTGRESQL),
                db("db_3", "cache", Engine.REDIS),
                db("db_4", "events", Engine.MONGODB));
        assertThat(names).containsExactly(
                entry("DATABASE_URL", "db_2"), // the oldest PostgreSQL, not the oldest database
                entry("REDIS_URL", "db_3"),
                entry("MYSQL_URL", "db_1"),
                entry("MONGODB_URL", "db_4"),
                entry("SHOP_URL", "db_1"),
                entry("ORDERS_DB_URL", "db_2"),
                entry("CACHE_URL", "db_3"),
                entry("EVENTS_URL", "db_4"));
    }

    @Test
    void withoutPostgresqlTheOldestDatabaseIsPrimary() {
        Map<String, String> names = assign(null, db("db_1", "shop", Engine.MYSQL), db("db_2", "cache", Engine.REDIS));
        assertThat(names).containsEntry("DATABASE_URL", "db_1").containsEntry("MYSQL_URL", "db_1").containsEntry("REDIS_URL", "db_2");
    }

    @Test
    void theFirstOfEachEngineGetsTheConventionalName() {
        Map<String, String> names = assign(null,
                db("db_1", "pg-a", Engine.POSTGRESQL), db("db_2", "pg-b", Engine.POSTGRESQL),
                db("db_3", "r-a", Engine.REDIS), db("db_4", "r-b", Engine.REDIS));
        assertThat(names).containsEntry("DATABASE_URL", "db_1").containsEntry("REDIS_URL", "db_3")
                .containsEntry("PG_A_URL", "db_1").containsEntry("PG_B_URL", "db_2")
                .containsEntry("R_A_URL", "db_3").containsEntry("R_B_URL", "db_4")
                .doesNotContainKeys("MYSQL_URL", "MONGODB_URL");
    }

    @Test
    void aChosenPrimaryMovesDatabaseUrlOnly() {
        Entry pg = db("db_1", "main", Engine.POSTGRESQL);
        Entry other = db("db_2", "analytics", Engine.POSTGRESQL);
        Entry redis = db("db_3", "cache", Engine.REDIS);
        assertThat(assign(null, pg, other, redis)).containsEntry("DATABASE_URL", "db_1");
        Map<String, String> chosen = assign("db_2", pg, other, redis);
        assertThat(chosen).containsEntry("DATABASE_URL", "db_2").containsEntry("MAIN_URL", "db_1").containsEntry("ANALYTICS_URL", "db_2");
        // any engine may be chosen
        assertThat(assign("db_3", pg, other, redis)).containsEntry("DATABASE_URL", "db_3").containsEntry("REDIS_URL", "db_3");
    }

    @Test
    void aChosenPrimaryThatIsNotLiveFallsBackToTheDefaultRule() {
        Map<String, String> names = assign("db_gone", db("db_1", "shop", Engine.MYSQL), db("db_2", "main", Engine.POSTGRESQL));
        assertThat(names).containsEntry("DATABASE_URL", "db_2");
    }

    @Test
    void aSlugNameThatIsTheConventionalNameOfTheSameDatabaseIsLeftOut() {
        Map<String, String> names = assign(null, db("db_1", "database", Engine.POSTGRESQL), db("db_2", "redis", Engine.REDIS));
        assertThat(names).containsExactly(entry("DATABASE_URL", "db_1"), entry("REDIS_URL", "db_2"));
    }

    @Test
    void aSlugNameThatIsAnotherDatabasesConventionalNameGetsASuffix() {
        Map<String, String> names = assign(null, db("db_1", "main", Engine.POSTGRESQL), db("db_2", "redis", Engine.POSTGRESQL),
                db("db_3", "cache", Engine.REDIS));
        assertThat(names).containsEntry("REDIS_URL", "db_3").containsEntry("REDIS_2_URL", "db_2").containsEntry("MAIN_URL", "db_1");
    }

    @Test
    void conventionalNamesAreReservedEvenWithoutSuchADatabase() {
        // no MySQL here, but a later MySQL must not rename this database's variable
        Map<String, String> names = assign(null, db("db_1", "mysql", Engine.POSTGRESQL));
        assertThat(names).containsExactly(entry("DATABASE_URL", "db_1"), entry("MYSQL_2_URL", "db_1"));
        Map<String, String> later = assign(null, db("db_1", "mysql", Engine.POSTGRESQL), db("db_2", "shop", Engine.MYSQL));
        assertThat(later).containsEntry("MYSQL_2_URL", "db_1").containsEntry("MYSQL_URL", "db_2");
    }

    @Test
    void theDatabaseSlugMovesToASuffixWhenItsDatabaseIsNoLongerPrimary() {
        Entry database = db("db_1", "database", Engine.POSTGRESQL);
        Entry other = db("db_2", "other", Engine.POSTGRESQL);
        assertThat(assign(null, database, other)).doesNotContainKey("DATABASE_2_URL");
        assertThat(assign("db_2", database, other)).containsEntry("DATABASE_URL", "db_2").containsEntry("DATABASE_2_URL", "db_1");
    }

    @Test
    void aSuffixSkipsNamesTakenByOlderDatabases() {
        Map<String, String> names = assign(null,
                db("db_1", "main", Engine.POSTGRESQL),
                db("db_2", "redis-2", Engine.POSTGRESQL), // REDIS_2_URL, plain
                db("db_3", "redis", Engine.POSTGRESQL), // REDIS_URL reserved, REDIS_2_URL taken by db_2
                db("db_4", "cache", Engine.REDIS));
        assertThat(names).containsEntry("REDIS_2_URL", "db_2").containsEntry("REDIS_3_URL", "db_3").containsEntry("REDIS_URL", "db_4");
    }

    @Test
    void aNewerDatabaseNeverRenamesAnOlderOne() {
        List<Entry> dbs = new ArrayList<>(List.of(db("db_1", "redis", Engine.POSTGRESQL)));
        Map<String, String> before = DatabaseEnvNames.assign(dbs, null, STORAGE);
        dbs.add(db("db_2", "redis-2", Engine.POSTGRESQL));
        dbs.add(db("db_3", "redis-3", Engine.REDIS));
        Map<String, String> after = DatabaseEnvNames.assign(dbs, null, STORAGE);
        before.forEach((name, id) -> assertThat(after).containsEntry(name, id));
        assertThat(after).containsEntry("REDIS_2_URL", "db_1").containsEntry("REDIS_2_2_URL", "db_2").containsEntry("REDIS_3_URL", "db_3")
                .containsEntry("REDIS_URL", "db_3");
    }

    @Test
    void strataOtherNamesAreNeverGivenToADatabase() {
        Map<String, String> names = DatabaseEnvNames.assign(List.of(db("db_1", "storage-key", Engine.POSTGRESQL)), null,
                Set.of("STORAGE_KEY_URL"));
        assertThat(names).containsExactly(entry("DATABASE_URL", "db_1"), entry("STORAGE_KEY_2_URL", "db_1"));
    }

    @Test
    void theSameInputsGiveTheSameNamesInTheSameOrder() {
        Entry[] dbs = {db("db_1", "a", Engine.REDIS), db("db_2", "redis", Engine.MYSQL), db("db_3", "mysql", Engine.MONGODB),
                db("db_4", "b", Engine.POSTGRESQL)};
        assertThat(new ArrayList<>(assign(null, dbs).entrySet())).isEqualTo(new ArrayList<>(assign(null, dbs).entrySet()));
        assertThat(assign(null, dbs)).containsExactly(
                entry("DATABASE_URL", "db_4"), entry("REDIS_URL", "db_1"), entry("MYSQL_URL", "db_2"), entry("MONGODB_URL", "db_3"),
                entry("A_URL", "db_1"), entry("REDIS_2_URL", "db_2"), entry("MYSQL_2_URL", "db_3"), entry("B_URL", "db_4"));
    }

    @ParameterizedTest
    @CsvSource({
            "orders-db, ORDERS_DB",
            "db, DB",
            "a, A",
            "9lives, _9LIVES",
            "0, _0",
            "a-b-c-1, A_B_C_1",
            "x--y, X__Y",
    })
    void slugsBecomeValidNames(String slug, String stem) {
        assertThat(new Slug(slug).value()).isEqualTo(slug); // each is a slug Strata accepts
        assertThat(DatabaseEnvNames.stem(slug)).isEqualTo(stem);
        assertThat(DatabaseEnvNames.valid(stem + "_URL")).isTrue();
    }

    @Test
    void everyNameIsValidAndEveryDatabaseIsNamed() {
        List<Entry> dbs = new ArrayList<>();
        String[] slugs = {"1", "redis", "database", "mysql", "mongodb", "redis-2", "1a", "a1", "storage-secret", "z-9"};
        Engine[] engines = Engine.values();
        for (int i = 0; i < slugs.length; i++) {
            dbs.add(db("db_" + i, slugs[i], engines[i % engines.length]));
        }
        Map<String, String> names = DatabaseEnvNames.assign(dbs, "db_5", STORAGE);
        assertThat(names.keySet()).allMatch(DatabaseEnvNames::valid).doesNotContainAnyElementsOf(STORAGE);
        assertThat(names.values()).containsAll(dbs.stream().map(Entry::databaseId).toList());
        assertThat(names).containsEntry("DATABASE_URL", "db_5").containsEntry("_1_URL", "db_0").containsEntry("_1A_URL", "db_6");
        // every database has a name of its own slug (its plain or suffixed <SLUG>_URL, or a conventional name that is its slug's)
        for (Entry e : dbs) {
            String stem = DatabaseEnvNames.stem(e.slug());
            assertThat(names.entrySet()).anySatisfy(n -> {
                assertThat(n.getValue()).isEqualTo(e.databaseId());
                assertThat(n.getKey()).matches(stem + "(_\\d+)?_URL");
            });
        }
    }

    @Test
    void invalidNamesAreRecognised() {
        assertThat(DatabaseEnvNames.valid("1A")).isFalse();
        assertThat(DatabaseEnvNames.valid("A-B")).isFalse();
        assertThat(DatabaseEnvNames.valid("a")).isFalse();
        assertThat(DatabaseEnvNames.valid("")).isFalse();
        assertThat(DatabaseEnvNames.valid("_A1")).isTrue();
    }
}
