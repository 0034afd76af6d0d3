// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "rollout",
    products: [
        .executable(name: "rollout", targets: ["rollout-cli"]),
        .library(name: "RolloutCore", targets: ["RolloutCore"]),
    ],
    targets: [
        .target(name: "RolloutCore"),
        .executableTarget(name: "rollout-cli", dependencies: ["RolloutCore"]),
        .testTarget(
            name: "RolloutCoreTests",
            dependencies: ["RolloutCore"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
