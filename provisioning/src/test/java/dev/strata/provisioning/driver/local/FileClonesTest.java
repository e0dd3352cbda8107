package dev.strata.provisioning.driver.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies for branches: on this machine's own file system (ext4: no clones) a full copy, and on an XFS file system
 * made with {@code reflink=1} (a loop-mounted image; needs root and xfsprogs, as CI has) clones. Either way the copy
 * has the same bytes, and a later write to it leaves the source alone.
 */
class FileClonesTest {

    @TempDir
    Path tmp;

    @Test
    void onTheHostFileSystemTheCopyIsWholeAndIndependent() throws Exception {
        copyAndCheck(tmp, isReflinkFileSystem(tmp) ? FileClones.Method.REFLINK : FileClones.Method.COPY);
    }

    @Test
    void onXfsWithReflinkTheFilesAreCloned() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a test file system needs root");
        assumeTrue(Files.isExecutable(Path.of("/sbin/mkfs.xfs")) || Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs")), "xfsprogs is not installed");
        Path image = tmp.resolve("xfs.img");
        Path mount = Files.createDirectory(tmp.resolve("xfs"));
        assertThat(run(List.of("truncate", "-s", "512M", image.toString())).ok()).isTrue();
        assertThat(run(List.of("mkfs.xfs", "-q", "-m", "reflink=1", image.toString())).ok()).isTrue();
        CommandResult mounted = run(List.of("mount", "-o", "loop", image.toString(), mount.toString()));
        assumeTrue(mounted.ok(), "loop mounts are not possible here: " + mounted.tail());
        try {
            copyAndCheck(mount, FileClones.Method.REFLINK);
        } finally {
            if (!run(List.of("umount", mount.toString())).ok()) {
                run(List.of("umount", "-l", mount.toString()));
            }
        }
    }

    private void copyAndCheck(Path root, FileClones.Method expected) throws IOException {
        Path from = Files.createDirectories(root.resolve("parent/data"));
        Files.createDirectories(from.resolve("base/1"));
        byte[] big = new byte[8 << 20];
        new Random(42).nextBytes(big);
        Files.write(from.resolve("base/1/16384"), big);
        Files.writeString(from.resolve("PG_VERSION"), "15\n");
        Path into = Files.createDirectories(root.resolve("branch"));

        assertThat(FileClones.probe(FileClones::runHere, from.resolve("PG_VERSION"), into)).isEqualTo(expected);
        Path to = into.resolve("data.clone");
        FileClones.copyTree(FileClones::runHere, from, to);
        assertThat(Files.readAllBytes(to.resolve("base/1/16384"))).isEqualTo(big);
        assertThat(Files.readString(to.resolve("PG_VERSION"))).isEqualTo("15\n");
        try (var listed = Files.list(into)) {
            assertThat(listed.map(p -> p.getFileName().toString()).toList()).as("the probe leaves nothing").containsExactly("data.clone");
        }

        // writes to the copy stay there; pg_wal-style contents copied again replace what was there
        Files.write(to.resolve("base/1/16384"), new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(from.resolve("base/1/16384"))).isEqualTo(big);
        Files.writeString(from.resolve("PG_VERSION"), "16\n");
        FileClones.copyContents(FileClones::runHere, from, to);
        assertThat(Files.readString(to.resolve("PG_VERSION"))).isEqualTo("16\n");
    }

    private static boolean isReflinkFileSystem(Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("probe-a"), "x");
        try {
            return run(List.of("cp", "--reflink=always", a.toString(), dir.resolve("probe-b").toString())).ok();
        } finally {
            Files.deleteIfExists(dir.resolve("probe-b"));
            Files.deleteIfExists(a);
        }
    }

    private static CommandResult run(List<String> cmd) {
        return FileClones.runHere(cmd);
    }

    @Test
    void aLiveDirectoryMayLoseFilesWhileCopiedOtherErrorsStayErrors() {
        assertThat(FileClones.onlyVanished("cp: cannot stat '/x/base/1/16384': No such file or directory\n")).isTrue();
        assertThat(FileClones.onlyVanished("cp: cannot stat '/x/a': No such file or directory\ncp: error writing '/y/b': No space left on device\n")).isFalse();
        assertThat(FileClones.onlyVanished("")).isFalse();
    }
}
