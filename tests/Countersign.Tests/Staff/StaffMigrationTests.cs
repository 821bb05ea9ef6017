using System.Net;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Countersign.Tests.Staff;

/// <summary>Accounts made before staff accounts moved to Identity keep their password, and IsAdmin becomes a role.</summary>
public abstract class StaffMigrationTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Should_keep_old_accounts_passwords_and_turn_IsAdmin_into_the_admin_role()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-migration-").FullName;
        var settings = new Dictionary<string, string?> { ["Data:Folder"] = folder };
        DbContextOptions options;
        if (provider == DatabaseProvider.Postgres)
        {
            var connection = await (await SharedPostgres.GetAsync()).CreateDatabaseAsync($"t{Guid.NewGuid():N}");
            settings["Database:ConnectionString"] = connection;
            options = new DbContextOptionsBuilder<PostgresCountersignDb>().UseNpgsql(connection).Options;
        }
        else
        {
            options = new DbContextOptionsBuilder<SqliteCountersignDb>().UseSqlite($"Data Source={Path.Combine(folder, "countersign.db")}").Options;
        }

        // The schema as it was, with two accounts made the old way: PasswordHasher<StaffUser> and an IsAdmin flag.
        await using (var db = provider == DatabaseProvider.Postgres
            ? new PostgresCountersignDb((DbContextOptions<PostgresCountersignDb>)options)
            : (CountersignDb)new SqliteCountersignDb((DbContextOptions<SqliteCountersignDb>)options))
        {
            var migrations = db.Database.GetMigrations().ToList();
            var before = migrations[migrations.FindIndex(m => m.EndsWith("_StaffIdentity", StringComparison.Ordinal)) - 1];
            await db.GetService<IMigrator>().MigrateAsync(before);
            var hasher = new PasswordHasher<StaffUser>();
            foreach (var (email, isAdmin) in new[] { ("organiser@example.org", true), ("moderator@example.org", false) })
            {
                var hash = hasher.HashPassword(new StaffUser(), TestSite.StaffPassword);
                await db.Database.ExecuteSqlAsync(
                    $"""INSERT INTO "StaffUsers" ("Email", "PasswordHash", "IsAdmin", "CreatedAt") VALUES ({email}, {hash}, {isAdmin}, {new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)})""");
            }

            await db.Database.MigrateAsync();
        }

        await using var site = await TestSite.StartAsync(provider, site =>
        {
            foreach (var (key, value) in settings)
            {
                site[key] = value;
            }
        });
        Assert.Equal(
            [$"moderator@example.org {StaffRoles.Moderator}", $"organiser@example.org {StaffRoles.Admin}"],
            await site.QueryAsync(db => db.UserRoles.Join(db.Roles, link => link.RoleId, role => role.Id, (link, role) => new { link.UserId, role.Name })
                .Join(db.StaffUsers, link => link.UserId, user => user.Id, (link, user) => new { user.Email, link.Name })
                .OrderBy(row => row.Email).Select(row => row.Email + " " + row.Name).ToListAsync()));

        // The first sign-in after the upgrade, with the old password, sets up the authenticator.
        var admin = await site.SignedInStaffAsync("organiser@example.org");
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/staff/users")).StatusCode);
        var moderator = await site.SignedInStaffAsync("moderator@example.org");
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/staff/users")).StatusCode);
    }
}

public sealed class StaffMigrationOnSqlite() : StaffMigrationTests(DatabaseProvider.Sqlite);

public sealed class StaffMigrationOnPostgres() : StaffMigrationTests(DatabaseProvider.Postgres);
