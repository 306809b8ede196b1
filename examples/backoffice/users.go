package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"

	"github.com/impexkit/impex/customer"
)

// User is a back-office user. The e-mail address is the sign-in name and
// where job results are sent.
type User struct {
	Email    string                `json:"email"`
	Name     string                `json:"name,omitempty"`
	Password customer.PasswordHash `json:"password"`
}

// userFile holds the users in a JSON file (mode 0600) of password hashes
// made with the library's scrypt hasher. It is read at start and by each
// sign-in, so that `backoffice user add` takes effect without a restart.
type userFile struct {
	path   string
	hasher customer.PasswordHasher
	mu     sync.Mutex
}

// ErrBadCredentials is a sign-in with an unknown user or a wrong password;
// the two are not told apart.
var ErrBadCredentials = errors.New("unknown user or wrong password")

// load reads the users; a missing file is no users.
func (u *userFile) load() ([]User, error) {
	b, err := os.ReadFile(u.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var users []User
	if err := json.Unmarshal(b, &users); err != nil {
		return nil, fmt.Errorf("users file %s: %w", u.path, err)
	}
	return users, nil
}

// set adds the user or replaces the password of the user with that e-mail.
func (u *userFile) set(email, name, password string) error {
	email = strings.TrimSpace(email)
	if !strings.Contains(email, "@") {
		return fmt.Errorf("user %q: want an e-mail address", email)
	}
	if len(password) < 8 {
		return errors.New("the password must have at least 8 characters")
	}
	h, err := u.hasher.Hash(password)
	if err != nil {
		return err
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	users, err := u.load()
	if err != nil {
		return err
	}
	i := slices.IndexFunc(users, func(x User) bool { return strings.EqualFold(x.Email, email) })
	if i < 0 {
		users = append(users, User{Email: email})
		i = len(users) - 1
	}
	users[i].Password = h
	if name != "" {
		users[i].Name = name
	}
	slices.SortFunc(users, func(a, b User) int { return cmp.Compare(a.Email, b.Email) })
	b, err := json.MarshalIndent(users, "", "  ")
	if err != nil {
		return err
	}
	return writeDurable(u.path, b)
}

// check returns the user when the password is theirs. A wrong user costs
// the same hash as a wrong password, so timing does not tell them apart.
func (u *userFile) check(email, password string) (*User, error) {
	users, err := u.load()
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(users, func(x User) bool { return strings.EqualFold(x.Email, strings.TrimSpace(email)) })
	if i < 0 {
		u.hasher.Hash(password) // spend the time a check would
		return nil, ErrBadCredentials
	}
	if err := customer.VerifyPassword(users[i].Password, password); err != nil {
		return nil, ErrBadCredentials
	}
	return &users[i], nil
}
