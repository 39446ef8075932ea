package io.streamrec;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The job's architecture as rules that fail the build when it erodes: the pipeline stages are plain code that Flink
 * wiring in {@code job/} calls, the compute stages know nothing of Flink, and no two packages import each other.
 * The tools module checks the remaining rule, that the job never imports the tools ({@code ToolsArchitectureTest}).
 */
@AnalyzeClasses(packages = "io.streamrec", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The pipeline's stage packages. */
    static final String[] STAGES = {
        "io.streamrec.event..", "io.streamrec.state..", "io.streamrec.candidates..", "io.streamrec.ranking..",
        "io.streamrec.catalog..", "io.streamrec.sink..", "io.streamrec.model.."
    };

    @ArchTest
    static final ArchRule stagesImportNoFlinkRuntime = noClasses()
            .that().resideInAnyPackage(STAGES)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink.runtime..")
            .because("a stage is plain code or a Flink API function; the runtime is the job's business (job/)");

    @ArchTest
    static final ArchRule computeStagesImportNoFlink = noClasses()
            .that().resideInAnyPackage("io.streamrec.candidates..", "io.streamrec.ranking..", "io.streamrec.model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.flink..")
            .because("candidate generation, ranking and the model bundle are tested and benchmarked without Flink");

    @ArchTest
    static final ArchRule packagesAreFreeOfCycles = slices()
            .matching("io.streamrec.(*)..")
            .should().beFreeOfCycles();
}
