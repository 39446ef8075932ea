package io.streamrec;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The boundary between the job and the tools, checked where both are on the class path: the job (what
 * {@code flink run} takes) never imports a tool, and the job and tool packages together have no import cycle.
 */
@AnalyzeClasses(packages = "io.streamrec",
        importOptions = {ImportOption.DoNotIncludeTests.class, ToolsArchitectureTest.NoTestJars.class})
class ToolsArchitectureTest {
    /** The job's test-jar (its fixtures, on the tools' test classpath) is test code too. */
    static final class NoTestJars implements ImportOption {
        @Override
        public boolean includes(com.tngtech.archunit.core.importer.Location location) {
            return !location.contains("-tests.jar");
        }
    }

    static final String[] JOB = {
        "io.streamrec.event..", "io.streamrec.state..", "io.streamrec.candidates..", "io.streamrec.ranking..",
        "io.streamrec.catalog..", "io.streamrec.sink..", "io.streamrec.model..", "io.streamrec.config..",
        "io.streamrec.job..", "io.streamrec.metrics..", "io.streamrec.store.."
    };

    static final String[] TOOLS = {
        "io.streamrec.launcher..", "io.streamrec.cli..", "io.streamrec.demo..", "io.streamrec.sim..",
        "io.streamrec.kafka..", "io.streamrec.eval..", "io.streamrec.bench..", "io.streamrec.storefront..",
        "io.streamrec.lifecycle.."
    };

    @ArchTest
    static final ArchRule jobNeverImportsTools = noClasses()
            .that().resideInAnyPackage(JOB)
            .should().dependOnClassesThat().resideInAnyPackage(TOOLS)
            .because("the job jar that flink run takes holds the job only");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
            .matching("io.streamrec.(*)..")
            .should().beFreeOfCycles();
}
