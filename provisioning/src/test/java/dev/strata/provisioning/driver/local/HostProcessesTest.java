package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which processes of an instance directory Strata waits for and kills: engine programs only. */
class HostProcessesTest {

    @TempDir
    Path tmp;

    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(Process::destroyForcibly);
    }

    private Process start(Path cwd, String... command) throws IOException {
        Process p = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        return p;
    }

    @Test
    void anEngineProgramNamingTheDirectoryIsItsProcess() throws Exception {
        Path instance = Files.createDirectories(tmp.resolve("db_x"));
        // a stand-in with a server's name (a script's process is named after the script), given the directory as
        // real servers are
        Path server = Files.writeString(tmp.resolve("redis-server"), "#!/bin/sh\nsleep 60\n");
        server.toFile().setExecutable(true);
        Process p = start(tmp, server.toString(), "60", instance.toString());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(HostProcesses.of(instance)).extracting(HostProcesses.HostProcess::pid).containsExactly(p.pid()));
        assertThat(HostProcesses.kill(HostProcesses.of(instance), 10_000)).isTrue();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void otherProgramsInOrAboutTheDirectoryAreLeftAlone() throws IOException {
        Path instance = Files.createDirectories(tmp.resolve("db_y"));
        Path log = Files.writeString(instance.resolve("server.log"), "x\n");
        Process tail = start(tmp, "tail", "-f", log.toString());
        Process shell = start(instance, "sleep", "60");
        await().atMost(Duration.ofSeconds(10)).until(() -> HostProcesses.read(tail.pid()) != null && HostProcesses.read(shell.pid()) != null);
        assertThat(HostProcesses.of(instance)).isEmpty();
        assertThat(tail.isAlive()).isTrue();
        assertThat(shell.isAlive()).isTrue();
    }
}
