from duban.core.management.base import DubanCommand


class Command(DubanCommand):
    help = "Load the demo data (idempotent: existing records are kept) and print the demo logins. / 载入演示数据并列出演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="do not print the demo logins")

    def handle(self, *args, **options):
        from duban.core.demo import load_demo

        summary = load_demo(stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(
                "demo loaded / 演示数据已载入: " + ", ".join(f"{k}={v}" for k, v in summary.items())
            )
        )
        if not options["quiet_logins"]:
            from duban.org.demo import demo_logins

            self.stdout.write("\nDemo logins / 演示账号 (http://127.0.0.1:8000):")
            for role, username, password, unit in demo_logins():
                self.stdout.write(f"  {role:<8} {username:<18} {password:<12} {unit}")
