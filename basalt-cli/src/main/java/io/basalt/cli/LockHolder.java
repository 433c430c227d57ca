package io.basalt.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Which process holds the lock on a file, read from Linux's {@code /proc/locks} (proc(5)): RocksDB locks its
 * directory's {@code LOCK} file with {@code fcntl}, a POSIX lock that the kernel lists there with the holder's pid.
 * Only used to word an error, so anything unexpected (another system, another format) just leaves the pid out.
 */
final class LockHolder {
    private static final Path PROC_LOCKS = Path.of("/proc/locks");

    private LockHolder() {
    }

    /** The pid holding a lock on {@code file}, if this system says. */
    static OptionalLong pid(Path file) {
        try {
            if (!Files.isReadable(PROC_LOCKS)) {
                return OptionalLong.empty();
            }
            long device = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
            long inode = ((Number) Files.getAttribute(file, "unix:ino")).longValue();
            return pid(Files.readAllLines(PROC_LOCKS), device, inode);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Finds the holder among lines like {@code 2: POSIX  ADVISORY  WRITE 11912 fe:00:2147106 0 EOF}: the device as
     * hexadecimal major and minor numbers, then the inode. Waiters for a lock are listed as {@code 2: -> POSIX ...}
     * and are skipped.
     *
     * @param device the file's {@code st_dev}, in glibc's encoding of major and minor numbers
     */
    static OptionalLong pid(List<String> procLocks, long device, long inode) {
        long major = ((device >>> 8) & 0xfffL) | ((device >>> 32) & 0xfffff000L);
        long minor = (device & 0xffL) | ((device >>> 12) & 0xffffff00L);
        for (String line : procLocks) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 6 || fields[1].equals("->")) {
                continue;
            }
            String[] id = fields[5].split(":");
            try {
                if (id.length == 3 && Long.parseLong(id[0], 16) == major && Long.parseLong(id[1], 16) == minor
                        && Long.parseLong(id[2]) == inode) {
                    return OptionalLong.of(Long.parseLong(fields[4]));
                }
            } catch (NumberFormatException e) {
                // Not a line of the expected shape; look at the next.
            }
        }
        return OptionalLong.empty();
    }
}
