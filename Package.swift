// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rollout",
    products: [
        .executable(name: "rollout", targets: ["rollout-cli"]),
        .library(name: "RolloutCore", targets: ["RolloutCore"]),
    ],
    targets: [
        // Release builds leave out the run-time checks of exclusive access (9 % of a rollout's
        // instructions, a fifth of its time: every read of a pod's or the cluster's fields
        // took a thread-local lookup). Debug builds, which the tests and CI run, keep them,
        // so an overlapping access the tests reach still stops there. README, "Performance".
        .target(name: "RolloutCore", swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]),
        .executableTarget(name: "rollout-cli", dependencies: ["RolloutCore"]),
        .testTarget(
            name: "RolloutCoreTests",
            dependencies: ["RolloutCore"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
