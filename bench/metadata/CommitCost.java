import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;

/**
 * What one acknowledged metadata write costs with each candidate store, and whether it survives SIGKILL.
 *
 *   java -cp h2.jar:postgresql.jar CommitCost.java write  URL USER PASSWORD N   # N single-row commits; prints
 *        "acked <i>" after each commit returns (a parent kills this process with SIGKILL at some point)
 *   java -cp ... CommitCost.java count  URL USER PASSWORD                       # rows that are there
 *   java -cp ... CommitCost.java time   URL USER PASSWORD N                     # p50/p99 of N commits
 *
 * Each commit is one INSERT in its own transaction, as a 201 of the API is one short transaction.
 */
public class CommitCost {
    public static void main(String[] a) throws Exception {
        String mode = a[0], url = a[1], user = a[2], pw = a[3];
        try (Connection c = DriverManager.getConnection(url, user, pw)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS acked (i INT PRIMARY KEY, payload VARCHAR(200))");
            }
            switch (mode) {
                case "count" -> {
                    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*), COALESCE(MAX(i), -1) FROM acked")) {
                        rs.next();
                        System.out.println("rows " + rs.getLong(1) + " max " + rs.getLong(2));
                    }
                }
                case "write", "time" -> {
                    int n = Integer.parseInt(a[4]);
                    c.setAutoCommit(false);
                    long[] nanos = new long[n];
                    try (Statement s = c.createStatement()) {
                        s.execute("DELETE FROM acked");
                        c.commit();
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO acked VALUES (?, ?)")) {
                        for (int i = 0; i < n; i++) {
                            long t0 = System.nanoTime();
                            ps.setInt(1, i);
                            ps.setString(2, "project " + i + " created at " + System.currentTimeMillis());
                            ps.executeUpdate();
                            c.commit();
                            nanos[i] = System.nanoTime() - t0;
                            if (mode.equals("write")) {
                                System.out.println("acked " + i);
                                System.out.flush();
                            }
                        }
                    }
                    Arrays.sort(nanos);
                    if (mode.equals("time")) {
                        System.out.printf("n=%d p50=%.3f ms p99=%.3f ms%n", n, nanos[n / 2] / 1e6, nanos[n * 99 / 100] / 1e6);
                    }
                }
                default -> throw new IllegalArgumentException(mode);
            }
        }
    }
}
