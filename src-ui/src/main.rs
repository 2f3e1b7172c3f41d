fn main() {
    backlot_ui::start();
}
