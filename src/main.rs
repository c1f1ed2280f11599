fn main() {
    std::process::exit(roa_diff::cli::main());
}
