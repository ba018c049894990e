"""Create the PostgreSQL database DATABASE_URL names, if it is missing (for `make serve`)."""

import os
import sys

import dj_database_url
import psycopg
from psycopg import sql


def main() -> None:
    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        sys.exit("make serve runs on PostgreSQL: set DATABASE_URL to a postgres:// address.")
    name = str(config["NAME"])
    try:
        with psycopg.connect(
            dbname="postgres",
            host=str(config.get("HOST") or "") or None,
            port=int(config.get("PORT") or 5432),
            user=str(config.get("USER") or "") or None,
            password=str(config.get("PASSWORD") or "") or None,
            autocommit=True,
        ) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not exists.fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                print(f"Created the database {name}.")
    except psycopg.OperationalError as error:
        sys.exit(f"PostgreSQL is not reachable at {url}: {error}")


if __name__ == "__main__":
    main()
