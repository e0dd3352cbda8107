package dev.strata.it;

import com.fasterxml.jackson.databind.JsonNode;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/**
 * Numbered items in a database of any engine, through its own connection details: rows {@code n} of a table
 * {@code items} (PostgreSQL, MySQL), or keys {@code item-<n>} (Redis). Each item can carry a padding of a given
 * size, so that a test can make a database big enough that its backup or restore takes seconds.
 */
public final class Items {

    private final String engine;
    private final JsonNode connection;
    private final int padding;

    private Items(String engine, JsonNode connection, int padding) {
        this.engine = engine;
        this.connection = connection;
        this.padding = padding;
    }

    /** The items of database {@code id} (of {@code engine}), without padding. */
    public static Items of(TestDatabases dbs, String engine, String id) {
        return new Items(engine, dbs.connection(id), 0);
    }

    /** The same items, each added from now on with {@code bytes} of padding (hex digits). */
    public Items padded(int bytes) {
        return new Items(engine, connection, bytes);
    }

    /** Adds items {@code from} to {@code to}, both included. */
    public void add(int from, int to) throws Exception {
        if (engine.equals("redis")) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(from);
            try (Jedis j = jedis()) {
                Pipeline p = j.pipelined();
                for (int i = from; i <= to; i++) {
                    p.set("item-" + i, "value-" + i + pad(random));
                    if (i % 10_000 == 0) {
                        p.sync();
                    }
                }
                p.sync();
            }
            return;
        }
        String create = "CREATE TABLE IF NOT EXISTS items (n int primary key, label varchar(40), pad text)";
        String insert = engine.equals("postgresql")
                ? "INSERT INTO items SELECT g, 'item-' || g, left(repeat(md5(g::text), " + (padding / 32 + 1) + "), " + padding + ")"
                        + " FROM generate_series(" + from + ", " + to + ") g"
                : "INSERT INTO items SELECT seq, concat('item-', seq), left(repeat(md5(seq), " + (padding / 32 + 1) + "), " + padding + ")"
                        + " FROM seq_" + from + "_to_" + to;
        exec(create, insert);
    }

    /** Hex digits, which compress about as well as text: a backup of padded items is not a few bytes of zstd. */
    private String pad(java.util.SplittableRandom random) {
        StringBuilder b = new StringBuilder(padding);
        while (b.length() < padding) {
            b.append(Long.toHexString(random.nextLong()));
        }
        b.setLength(padding);
        return b.toString();
    }

    /** How many items there are. */
    public int count() throws Exception {
        if (engine.equals("redis")) {
            try (Jedis j = jedis()) {
                return j.keys("item-*").size();
            }
        }
        return TestDatabases.count(url());
    }

    /** Whether item {@code n} exists. */
    public boolean exists(int n) throws Exception {
        if (engine.equals("redis")) {
            try (Jedis j = jedis()) {
                return j.exists("item-" + n);
            }
        }
        return TestDatabases.exists(url(), n);
    }

    /** Runs SQL statements, in order, on the database (PostgreSQL, MySQL). */
    public void exec(String... sql) throws Exception {
        TestDatabases.exec(url(), sql);
    }

    private String url() {
        return connection.path("jdbcUrl").asText();
    }

    private Jedis jedis() {
        return new Jedis(new HostAndPort(connection.path("host").asText(), connection.path("port").asInt()),
                DefaultJedisClientConfig.builder().user(connection.path("username").asText())
                        .password(connection.path("password").asText()).socketTimeoutMillis(60_000).build());
    }
}
