// See Cargo.toml: allocation-bound parsing (docs/performance.md, target 3).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(roa_diff::cli::main());
}
