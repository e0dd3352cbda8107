package dev.strata.provisioning.event;

import dev.strata.provisioning.config.PortRange;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Strata's own ports, which webhooks must not reach on this machine: the configured ones (dashboard and API, Payara's
 * HTTPS and admin ports, the S3 endpoint, the metadata database, the database port range) and, on Linux, every TCP
 * port this process listens on (read from {@code /proc}, so a port set up in Payara's own configuration counts too).
 */
public final class OwnPorts {

    private OwnPorts() {
    }

    /** The configured ports, plus Payara's listener ports where it publishes them as system properties. */
    public static Set<Integer> configured(int httpPort, int s3Port, int s3TlsPort, Integer metadataPort) {
        Set<Integer> ports = new HashSet<>(List.of(httpPort, httpPort + 1, httpPort - 32, s3Port, s3TlsPort));
        if (metadataPort != null) {
            ports.add(metadataPort);
        }
        for (String p : List.of("HTTP_LISTENER_PORT", "HTTP_SSL_LISTENER_PORT", "ASADMIN_LISTENER_PORT")) {
            String v = System.getProperty(p);
            if (v != null && v.trim().matches("\\d{1,5}")) {
                ports.add(Integer.parseInt(v.trim()));
            }
        }
        return ports;
    }

    /** Whether {@code port} is one of {@code fixed}, in {@code range}, or listened on by this process. */
    public static boolean own(int port, Set<Integer> fixed, PortRange range, Set<Integer> listening) {
        return fixed.contains(port) || port >= range.first() && port <= range.last() || listening.contains(port);
    }

    /** The TCP ports this process listens on (empty where {@code /proc} is not there). */
    public static Set<Integer> listening() {
        Set<Long> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
        Set<Integer> ports = new HashSet<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                ports.addAll(listeningPorts(Files.readAllLines(Path.of(table)), inodes));
            } catch (IOException | RuntimeException e) {
                // no such table (no IPv6)
            }
        }
        return ports;
    }

    /** The local ports of the sockets in LISTEN state ({@code 0A}) of {@code /proc/net/tcp} lines whose inode is one of ours. */
    static Set<Integer> listeningPorts(List<String> lines, Set<Long> inodes) {
        Set<Integer> ports = new HashSet<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 10 || !f[3].equals("0A")) {
                continue;
            }
            long inode = Long.parseLong(f[9]);
            if (inodes.contains(inode)) {
                ports.add(Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16));
            }
        }
        return ports;
    }
}
