package dev.strata.provisioning.driver.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Just enough of the Redis protocol (RESP) to check health: AUTH as the database's user, then PING. */
final class Resp {

    private Resp() {
    }

    /** Null when the server answered PONG to an authenticated PING, otherwise what went wrong. */
    static String ping(String host, int port, String user, String password) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 2_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            out.write(command("AUTH", user, password));
            out.write(command("PING"));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            String auth = in.readLine();
            String pong = in.readLine();
            if (!"+OK".equals(auth)) {
                return "AUTH answered " + auth;
            }
            return "+PONG".equals(pong) ? null : "PING answered " + pong;
        } catch (IOException e) {
            return e.getMessage();
        }
    }

    private static byte[] command(String... parts) {
        StringBuilder sb = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            sb.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
