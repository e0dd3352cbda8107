package dev.strata.provisioning.driver.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the Redis protocol (RESP) to check health: AUTH as the database's user, then PING; and to send
 * Strata's own administrative commands. Over TLS when given a socket factory (a server that speaks TLS only).
 */
final class Resp {

    private Resp() {
    }

    /** Null when the server answered PONG to an authenticated PING, otherwise what went wrong. */
    static String ping(String host, int port, String user, String password) {
        return ping(host, port, user, password, null);
    }

    /** As {@link #ping(String, int, String, String)}, over TLS when {@code tls} is not null. */
    static String ping(String host, int port, String user, String password, javax.net.ssl.SSLSocketFactory tls) {
        try {
            String answer = call(host, port, user, password, tls, "PING");
            return "+PONG".equals(answer) ? null : "PING answered " + answer;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    /**
     * AUTH, then one command; its first reply line ({@code +OK}, {@code -ERR ...}). An AUTH that fails is an
     * IOException saying so.
     */
    static String call(String host, int port, String user, String password, javax.net.ssl.SSLSocketFactory tls, String... command)
            throws IOException {
        return calls(host, port, user, password, tls, java.util.List.<String[]>of(command)).get(0);
    }

    /**
     * AUTH, then {@code commands} on the same connection (pipelined); the first reply line of each, in order
     * ({@code +OK}, {@code :0}, {@code -ERR ...}). Only commands whose replies are one line (simple strings, integers,
     * errors) may be sent. An AUTH that fails is an IOException saying so.
     */
    static java.util.List<String> calls(String host, int port, String user, String password, javax.net.ssl.SSLSocketFactory tls,
                                        java.util.List<String[]> commands) throws IOException {
        try (Socket s = open(host, port, tls)) {
            java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
            all.write(command("AUTH", user, password));
            for (String[] c : commands) {
                all.write(command(c));
            }
            OutputStream out = s.getOutputStream();
            out.write(all.toByteArray());
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String auth = in.readLine();
            if (!"+OK".equals(auth)) {
                throw new IOException("AUTH answered " + auth);
            }
            java.util.List<String> answers = new java.util.ArrayList<>();
            for (int i = 0; i < commands.size(); i++) {
                String answer = in.readLine();
                if (answer == null) {
                    throw new IOException("the server closed the connection after " + i + " of " + commands.size() + " commands");
                }
                answers.add(answer);
            }
            return answers;
        }
    }

    /**
     * A connection to the server, over TLS when {@code tls} is not null (the server verified against the factory's
     * authority, its host name included; the TLS socket closes the plain one).
     */
    private static Socket open(String host, int port, javax.net.ssl.SSLSocketFactory tls) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(host, port), 2_000);
            plain.setSoTimeout(5_000);
            if (tls == null) {
                return plain;
            }
            javax.net.ssl.SSLSocket secure = (javax.net.ssl.SSLSocket) tls.createSocket(plain, host, port, true);
            javax.net.ssl.SSLParameters params = secure.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            secure.setSSLParameters(params);
            secure.startHandshake();
            return secure;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /**
     * The client connections of other users than {@code user} ({@code CLIENT LIST} as {@code user}, who must be
     * allowed it: Strata's admin), over TLS when {@code tls} is not null (a server that speaks TLS only); throws
     * when the server does not answer.
     */
    static int clientsOtherThan(String host, int port, String user, String password, javax.net.ssl.SSLSocketFactory tls) {
        try (Socket s = open(host, port, tls)) {
            OutputStream out = s.getOutputStream();
            out.write(command("AUTH", user, password));
            out.write(command("CLIENT", "LIST"));
            out.flush();
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
            String auth = line(in);
            if (!"+OK".equals(auth)) {
                throw new IllegalStateException("AUTH answered " + auth);
            }
            String header = line(in);
            if (!header.startsWith("$")) {
                throw new IllegalStateException("CLIENT LIST answered " + header);
            }
            byte[] body = new byte[Integer.parseInt(header.substring(1))];
            in.readFully(body);
            int others = 0;
            for (String client : new String(body, StandardCharsets.UTF_8).split("\n")) {
                if (!client.isBlank() && !(" " + client + " ").contains(" user=" + user + " ")) {
                    others++;
                }
            }
            return others;
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the clients: " + e.getMessage(), e);
        }
    }

    private static String line(java.io.DataInputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    private static byte[] command(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
