use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    roombot::cli::run(roombot::cli::Cli::parse()).await
}
