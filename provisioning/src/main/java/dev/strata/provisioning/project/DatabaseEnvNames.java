package dev.strata.provisioning.project;

import dev.strata.domain.database.Engine;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which environment variables name which of a project's databases. A pure function of the project's live databases
 * (oldest first), its chosen primary and the other names Strata sets, so that the API, the dashboard and the
 * Kubernetes Secret agree and a project's names only change when its databases or its primary change.
 *
 * <p>The rules (the README's "Environment" section says the same):
 * <ol>
 * <li>{@code DATABASE_URL}: the chosen primary if it is one of the live databases, else the oldest PostgreSQL
 * database, else the oldest database.</li>
 * <li>{@code REDIS_URL}, {@code MYSQL_URL}, {@code MONGODB_URL}: the oldest database of that engine (MariaDB is
 * {@code mysql}).</li>
 * <li>Each database, oldest first, also gets {@code <SLUG>_URL}: its slug uppercased, {@code -} turned into
 * {@code _}, with a {@code _} in front when it starts with a digit ({@code orders-db} → {@code ORDERS_DB_URL},
 * {@code 9lives} → {@code _9LIVES_URL}). If that name is one of the conventional names above, one of Strata's other
 * variables, or taken by an older database: it is left out when the name already points at this same database
 * (the oldest Redis with slug {@code redis} is just {@code REDIS_URL}), else the smallest free
 * {@code <SLUG>_<n>_URL} with n = 2, 3, … is used. The conventional names are always reserved, even in a project
 * without such a database, so adding one never renames another database's variable; and since older databases
 * choose first, creating a database never renames an older one's.</li>
 * </ol>
 */
public final class DatabaseEnvNames {

    public static final String DATABASE_URL = "DATABASE_URL";
    public static final String REDIS_URL = "REDIS_URL";
    public static final String MYSQL_URL = "MYSQL_URL";
    public static final String MONGODB_URL = "MONGODB_URL";

    /** The conventional names, in the order they are listed. */
    public static final List<String> CONVENTIONAL = List.of(DATABASE_URL, REDIS_URL, MYSQL_URL, MONGODB_URL);

    private static final Map<Engine, String> BY_ENGINE = Map.of(Engine.REDIS, REDIS_URL, Engine.MYSQL, MYSQL_URL, Engine.MONGODB, MONGODB_URL);
    private static final Pattern VALID = Pattern.compile("[A-Z_][A-Z0-9_]*");

    private DatabaseEnvNames() {
    }

    /** What the rules need to know of a database. */
    public record Entry(String databaseId, String slug, Engine engine) {
    }

    /**
     * The variables naming databases, in a stable order (conventional names first, then the slug names oldest first),
     * each mapped to its database's id.
     *
     * @param oldestFirst the project's live databases, oldest first
     * @param chosenPrimaryId the project's chosen primary, or null; ignored unless it is among {@code oldestFirst}
     * @param otherNames names Strata sets besides these (e.g. {@code STORAGE_KEY}), never given to a database
     */
    public static LinkedHashMap<String, String> assign(List<Entry> oldestFirst, String chosenPrimaryId, Set<String> otherNames) {
        LinkedHashMap<String, String> names = new LinkedHashMap<>();
        if (oldestFirst.isEmpty()) {
            return names;
        }
        names.put(DATABASE_URL, primary(oldestFirst, chosenPrimaryId).databaseId());
        for (String conventional : CONVENTIONAL) {
            oldestFirst.stream().filter(e -> conventional.equals(BY_ENGINE.get(e.engine()))).findFirst()
                    .ifPresent(e -> names.put(conventional, e.databaseId()));
        }
        Set<String> taken = new HashSet<>(CONVENTIONAL);
        taken.addAll(otherNames);
        taken.addAll(names.keySet());
        List<String[]> bySlug = new ArrayList<>();
        for (Entry e : oldestFirst) {
            String stem = stem(e.slug());
            String name = stem + "_URL";
            if (taken.contains(name)) {
                if (e.databaseId().equals(names.get(name))) {
                    continue; // already reachable under exactly this name
                }
                int n = 2;
                while (taken.contains(stem + "_" + n + "_URL")) {
                    n++;
                }
                name = stem + "_" + n + "_URL";
            }
            taken.add(name);
            names.put(name, e.databaseId());
        }
        return names;
    }

    /** The database {@code DATABASE_URL} points at (rule 1); {@code oldestFirst} must not be empty. */
    public static Entry primary(List<Entry> oldestFirst, String chosenPrimaryId) {
        return oldestFirst.stream().filter(e -> e.databaseId().equals(chosenPrimaryId)).findFirst()
                .or(() -> oldestFirst.stream().filter(e -> e.engine() == Engine.POSTGRESQL).findFirst())
                .orElse(oldestFirst.get(0));
    }

    /** {@code orders-db} → {@code ORDERS_DB}; a valid variable name whatever the text (a slug is a DNS label). */
    static String stem(String slug) {
        StringBuilder sb = new StringBuilder();
        for (char c : slug.toUpperCase(Locale.ROOT).toCharArray()) {
            sb.append((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ? c : '_');
        }
        if (sb.isEmpty() || Character.isDigit(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        return sb.toString();
    }

    /** Whether {@code name} is a portable environment variable name ({@code [A-Z_][A-Z0-9_]*}). */
    public static boolean valid(String name) {
        return name != null && VALID.matcher(name).matches();
    }
}
