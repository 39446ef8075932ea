package io.streamrec.state;

import io.streamrec.candidates.ListChunkUpgradeSpec;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes the committed state files ({@link SerializerUpgradeFiles}) of the format each state serializer writes now.
 * Off by default: the files of a format are written once, by the release that introduces the format, and committed.
 * After changing a serializer's format (and its spec's {@code currentFormat} and values), write the new folder with
 *
 * <pre>
 * mvn -o -pl flink-job test -Dtest=StateCompatGeneratorTest -Dstate-compat.write=true
 * </pre>
 *
 * or run {@link #main} from the IDE with the repository root as working directory. A folder that already exists is
 * never overwritten (delete it by hand only if its format was never released). Two older formats are written from
 * their layouts as kept in the specs, because no current serializer writes them: {@code user-state/0}, the POJO
 * serializer's state before {@link UserStateSerializer}, and {@code list-chunk/1}, the online table's chunks before
 * {@code ListChunk}. The serializers covered are every hand-written one whose bytes reach checkpoints and
 * savepoints: the keyed {@link UserState} and the live tables' {@code ListChunk}s. {@code ScoredListSerializer} is not
 * covered: no state holds a {@code ScoredList} (it only crosses the network between two operators, and the job does
 * not use unaligned checkpoints).
 */
class StateCompatGeneratorTest {
    static final List<SerializerUpgradeFiles.UpgradeSpec<?>> SPECS =
            List.of(new UserStateUpgradeSpec(), new ListChunkUpgradeSpec());
    static final List<String> BACKENDS = List.of("heap", "rocksdb");

    @Test
    @EnabledIfSystemProperty(named = "state-compat.write", matches = "true")
    void writesTheFilesOfEveryCurrentFormat() throws Exception {
        Path root = Path.of(System.getProperty("streamrec.repo.root", ".."),
                "flink-job", "src", "test", "resources", "state-compat");
        for (Path dir : writeMissing(root)) {
            assertTrue(Files.isRegularFile(dir.resolve(SerializerUpgradeFiles.DATA_FILE)), dir.toString());
        }
    }

    /** Writes each spec's current format under {@code root} unless its folder exists; returns the folders written. */
    static List<Path> writeMissing(Path root) throws Exception {
        List<Path> written = new java.util.ArrayList<>();
        for (SerializerUpgradeFiles.UpgradeSpec<?> spec : SPECS) {
            Path dir = root.resolve(spec.name()).resolve(String.valueOf(spec.currentFormat()));
            if (Files.exists(dir.resolve(SerializerUpgradeFiles.DATA_FILE))) {
                System.out.println("kept " + dir + " (committed files are never rewritten)");
            } else {
                written.add(SerializerUpgradeFiles.write(spec, root));
                System.out.println("wrote " + dir);
            }
            if (spec instanceof UserStateUpgradeSpec users) {
                for (String backend : BACKENDS) { // the keyed state as whole operator snapshots too
                    Path file = dir.resolve(UserStateOperatorSnapshots.fileName(backend));
                    if (!Files.exists(file)) {
                        UserStateOperatorSnapshots.write(backend, users.values(users.currentFormat()), file);
                        System.out.println("wrote " + file);
                    }
                }
            }
        }
        Path users0 = root.resolve("user-state").resolve("0"); // the POJO era: Flink's POJO serializer wrote it
        if (!Files.exists(users0.resolve(SerializerUpgradeFiles.DATA_FILE))) {
            UserStateUpgradeSpec users = new UserStateUpgradeSpec();
            TypeInformation<UserState> pojo = UserStateUpgradeSpec.pojoTypeInfo();
            written.add(SerializerUpgradeFiles.write(users, 0, pojo.createSerializer(new SerializerConfigImpl()),
                    root));
            for (String backend : BACKENDS) {
                UserStateOperatorSnapshots.write(backend, users.values(0),
                        users0.resolve(UserStateOperatorSnapshots.fileName(backend)), pojo);
            }
            System.out.println("wrote " + users0);
        }
        Path chunks1 = root.resolve("list-chunk").resolve("1"); // the format only the old code wrote
        if (!Files.exists(chunks1.resolve(SerializerUpgradeFiles.DATA_FILE))) {
            written.add(ListChunkUpgradeSpec.writeFormat1(root));
            System.out.println("wrote " + chunks1);
        }
        return written;
    }

    /** The same from the command line; the argument is the state-compat folder. */
    public static void main(String[] args) throws Exception {
        writeMissing(Path.of(args.length > 0 ? args[0] : "flink-job/src/test/resources/state-compat"));
    }
}
