fn main() -> std::process::ExitCode {
    cachegen::cli::main()
}
